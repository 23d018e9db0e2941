"""gunicorn settings for the web service (docker-compose.yml and the upload bench).

gthread: a request is served by a thread, and the worker process keeps telling
the arbiter it is alive while a thread reads a slow body. With sync workers a
5 MiB upload piece over a 256 kbit/s school link (~160 s) outlived the 60 s
timeout: the worker was killed mid-piece and the client retried it forever.
Here ``timeout`` only catches a worker process that stopped responding.
"""

import os

bind = os.environ.get("KHLANG_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("KHLANG_WEB_WORKERS", "2"))
# Slow uploads hold a thread each for minutes; threads are cheap, so allow many.
threads = int(os.environ.get("KHLANG_WEB_THREADS", "16"))
timeout = 120
graceful_timeout = 30
keepalive = 75  # nginx keeps upstream connections open (keepalive in nginx.conf)
accesslog = "-"
forwarded_allow_ips = "*"  # only nginx can reach the web service
