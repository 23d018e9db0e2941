# The application image (web, workers, beat). Debian packages come from
# deploy/system-packages.txt through scripts/ensure-system.sh, the same list
# `make run` and `make test` install, so the image cannot lack one they have.
FROM python:3.11-slim-bookworm AS base
WORKDIR /app
COPY deploy/system-packages.txt deploy/
COPY scripts/ensure-system.sh scripts/
RUN bash scripts/ensure-system.sh run && rm -rf /var/lib/apt/lists/*

# Front-end libraries from npm, pinned by package-lock.json; only node_modules
# leaves this stage.
FROM base AS assets
RUN bash scripts/ensure-system.sh build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM base
COPY . .
COPY --from=assets /app/node_modules node_modules
# No extras: what production imports is in the main dependency list
# (the suite checks this with deptry and a clean-venv install).
RUN pip install --no-cache-dir . \
    && python manage.py compilemessages -l th --ignore 'node_modules/*' >/dev/null
ENV KHLANG_ENV=production PYTHONUNBUFFERED=1 STATIC_ROOT=/srv/khlang/static KHLANG_VAR_DIR=/srv/khlang/var
# Static files are collected when a container starts (deploy/entrypoint.sh) into
# the shared volume, cleared first, so an upgrade never serves stale files.
ENTRYPOINT ["bash", "deploy/entrypoint.sh"]
EXPOSE 8000
CMD ["gunicorn", "khlang.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
