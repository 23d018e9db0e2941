#!/usr/bin/env bash
# Container start: the web service collects static files into the shared volume,
# clearing it first, so after an upgrade no file of the old release is served.
# Other services (workers, beat) start directly.
set -euo pipefail
if [ "${1:-}" = "gunicorn" ]; then
  python manage.py collectstatic --noinput --clear >/dev/null
fi
exec "$@"
