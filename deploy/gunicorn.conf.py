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


def post_worker_init(worker):
    """Build the Thai word dictionaries, read the search columns
    (search/columns.py) and the commonest words' bits (search/common_words.py)
    while the worker is new, so the first visitor's search does not wait the
    seconds they take at area scale. In a thread: the worker serves requests
    meanwhile (a search that comes first waits for the columns, and uses the
    GIN index until the bits are in).

    Then everything the worker holds so far (Django, Wagtail, the dictionaries)
    goes out of the cycle collector's sight (``gc.freeze``): it lives as long
    as the worker, and walking it made each full collection cost about 120 ms
    in the middle of some request; after it, about 35 ms."""
    import gc
    import threading

    def read_columns():
        from django.db import connection

        from search import columns, thai
        from search.conf import search_settings

        try:
            thai.warm_up()
            if search_settings.backend_name == "database":
                columns.warm()
        except Exception:  # the first search reads them instead, and says why if it fails
            worker.log.warning("search columns not read at start", exc_info=True)
        finally:
            connection.close()
            gc.freeze()

    threading.Thread(target=read_columns, name="search-columns", daemon=True).start()
