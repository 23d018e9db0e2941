FROM python:3.11-slim-bookworm
# ffmpeg from Debian for transcoding; gettext for translations.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json README.md ./
COPY . .
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund
ENV KHLANG_ENV=production PYTHONUNBUFFERED=1 STATIC_ROOT=/srv/khlang/static KHLANG_VAR_DIR=/srv/khlang/var
RUN SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "khlang.wsgi:application", "--bind", "0.0.0.0:8000"]
