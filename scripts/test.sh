#!/usr/bin/env bash
# The whole suite, as `make test` runs it:
#   1. unit, page and browser tests on the embedded default (SQLite, no servers);
#   2. integration tests on PostgreSQL + Redis with a real Celery worker process.
# Both parts must pass; a missing service or browser is an error, never a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash scripts/ensure-system.sh || exit 1
bash scripts/ensure-services.sh || exit 1

export KHLANG_ENV=test
export PYTHONDONTWRITEBYTECODE=1
status=0
started=$(date +%s)

echo "== lint (ruff) and declared dependencies (deptry) =="
.venv/bin/ruff check . && .venv/bin/ruff format --check --quiet . || status=1
.venv/bin/deptry . || status=1

# The production check builds a clean virtualenv and waits on pip for most of
# its minute or two: it runs beside the SQLite part, its output shown after it.
prod_log=$(mktemp "${TMPDIR:-/tmp}/khlang-prodcheck-log.XXXXXX")
bash scripts/production-check.sh >"$prod_log" 2>&1 &
prod_pid=$!

# Each part's test database is a copy of a migrated template (core.dbtemplates).
# When this code has none yet, migrating one takes half a minute of one core:
# the SQLite one is started now (the SQLite part waits for it while pytest
# starts up), then the PostgreSQL one, beside the SQLite part (one pytest
# process, often waiting on a browser) instead of before the integration part.
PG_URL=${KHLANG_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
templates_log=$(mktemp "${TMPDIR:-/tmp}/khlang-templates-log.XXXXXX")
(env -u DATABASE_URL $PY -m core.dbtemplates; DATABASE_URL=$PG_URL $PY -m core.dbtemplates) \
  >"$templates_log" 2>&1 &
templates_pid=$!

echo "== 1/2 embedded default (SQLite) =="
env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL \
  $PY -m pytest -m "not integration" --durations=15 "$@" || status=1

echo "== production check (clean venv, pip install ., production settings) =="
wait "$prod_pid" || status=1
cat "$prod_log"
rm -f "$prod_log"

echo "== 2/2 integration (PostgreSQL, Redis, Celery worker) =="
# A template that could not be made here is tried again, and reported, by the tests.
wait "$templates_pid" || cat "$templates_log"
rm -f "$templates_log"
DATABASE_URL=$PG_URL \
CELERY_BROKER_URL=${KHLANG_TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
REDIS_URL=${KHLANG_TEST_REDIS_URL:-redis://127.0.0.1:6379/14} \
  $PY -m pytest -m integration -p no:cacheprovider --durations=15 "$@" || status=1

echo "make test: $(( $(date +%s) - started ))s, $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
