#!/usr/bin/env bash
# Production check without Docker: what the image does, here.
#   1. a clean virtualenv with `pip install .` (no extras: what the image installs);
#   2. from outside the source tree (so only the installed copy is imported):
#      import every module, `check --deploy` with production settings, migrate,
#      one real transcode, and every PDF the product makes (khlang's production_check).
# pip's cache is reused, so after the first run this takes a minute or so.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/khlang-prodcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Build from a copy of the files git would ship (as the image's COPY does), so
# the checkout gets no build/ folder and nothing untracked-and-ignored leaks in.
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules' \
  | xargs -0 cp --parents -t "$work/src" 2>/dev/null || true
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$work/src" \
  || { echo "ERROR: pip install . ล้มเหลว / pip install . failed" >&2; exit 1; }
mkdir -p "$work/var/static"  # the demo's own encodes are only queued: one transcode is checked
cd "$work"
env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 \
  KHLANG_ENV=production DJANGO_SETTINGS_MODULE=khlang.settings \
  SECRET_KEY="production-check-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" \
  ALLOWED_HOSTS=khlang.example \
  DATABASE_URL="sqlite:///$work/var/db.sqlite3" \
  KHLANG_VAR_DIR="$work/var" STATIC_ROOT="$work/var/static" MEDIA_ROOT="$work/var/media" \
  LOG_LEVEL=WARNING PYTHONUNBUFFERED=1 \
  "$work/venv/bin/python" -m django production_check
