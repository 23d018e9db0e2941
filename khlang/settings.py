"""One settings module for every environment, driven by environment variables.

Why this module is long: Django reads one settings module; each block is a headed
section (security, production, e-mail) and the app defaults live in each app's conf.py.

The differences between dev, test and production are few and explicit (see the
``KHLANG_ENV`` branches below). Defaults give the *embedded* setup: SQLite in WAL
mode, a Celery broker kept in a SQLite file (no server), files on local disk and
search on the database. Production sets DATABASE_URL, CELERY_BROKER_URL and
ELASTICSEARCH_URL (see docker-compose.yml).
"""

from __future__ import annotations

import datetime as dt
import importlib
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab

from core.conf import from_environment
from core.i18n import BAD_KHLANG_ENV, BAD_KHLANG_ROLE, LANGUAGE_NAMES, bilingual_early
from core.storage import browser_origins, storage_backends

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

KHLANG_ENV = env.str("KHLANG_ENV", default="dev")  # dev | test | production
if KHLANG_ENV not in {"dev", "test", "production"}:
    raise environ.ImproperlyConfigured(bilingual_early(BAD_KHLANG_ENV, value=KHLANG_ENV))
PRODUCTION = KHLANG_ENV == "production"

# Where the embedded default keeps its database, broker, media and secret.
VAR_DIR = Path(env.str("KHLANG_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# `central` is the area office's site; `mirror` is a school's offline copy.
KHLANG_ROLE = env.str("KHLANG_ROLE", default="central")
if KHLANG_ROLE not in {"central", "mirror"}:
    raise environ.ImproperlyConfigured(bilingual_early(BAD_KHLANG_ROLE, value=KHLANG_ROLE))


def _dev_secret_key() -> str:
    """A per-checkout key, kept in var/ so sessions survive a restart."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # required: raises if missing
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _dev_secret_key()

DEBUG = env.bool("DEBUG", default=KHLANG_ENV == "dev")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core",
    "media_center",
    "transcoding",
    "lms",
    "exambank",
    "search",
    "mirror",
    "reports",
    "notifications",
    "supervision",
    "live",
    # The project itself, last of ours: commands that wire every app together.
    "khlang",
    "wagtailmedia",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session a classroom screen's link opened reaches the screen's views only.
    "live.middleware.ClassroomScreenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees the final status code and the authenticated user.
    "core.access_log.AccessLogMiddleware",
]

# Sessions are read on every signed-in request: cached_db answers from the cache
# (Redis in production) and keeps the database copy, so a cache restart logs no
# one out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ROOT_URLCONF = "khlang.urls"
WSGI_APPLICATION = "khlang.wsgi.application"
ASGI_APPLICATION = "khlang.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "khlang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.khlang",
                "khlang.navigation.context",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'khlang.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE takes the
    # write lock at BEGIN so two writers queue on busy_timeout instead of failing
    # with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too, like the embedded default: the live server's threads
    # then open their own connections instead of sharing an in-memory one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-khlang.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Reports may read from a replica (core.replica); off unless its URL is set.
if env.str("KHLANG_REPORTS_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db_url("KHLANG_REPORTS_DATABASE_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if KHLANG_ENV == "test":
    # Hashing with the production hasher dominates a suite that logs users in.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGOUT_REDIRECT_URL = "/"
LOGIN_REDIRECT_URL = "start"  # each user's own start page (khlang.views.start)

# --- Cache --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Per-lesson and per-course entries (lms) outnumber locmem's default of 300
    # on any real site; past that every miss culls a third of the cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Language, time -----------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = list(LANGUAGE_NAMES.items())
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("th", LANGUAGE_NAMES["th"])]
LOCALE_PATHS = [BASE_DIR / "locale"]  # our Thai catalogue overrides gaps in Wagtail's
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
WAGTAIL_ALLOW_UNICODE_SLUGS = True
# The account page offers Thailand's time zone only: the full list would include
# Debian's "localtime", which the browser refuses as a zone name (a JS error).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]

# --- Static and media files ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STATICFILES_DIRS = [BASE_DIR / "khlang" / "static"]
# Front-end libraries come from npm at set-up (package-lock.json pins them);
# only their built files are exposed, under /static/vendor/<package>/.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS += [
    (f"vendor/{name}", _NODE / name / sub)
    for name, sub in [("hls.js", "dist"), ("chart.js", "dist"), ("tus-js-client", "dist")]
    if (_NODE / name / sub).is_dir()
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Hashed names, with .br and .gz beside each file, served by whitenoise with a
# year-long immutable cache: in production and under `make run` (khlang_run
# collects the files first and sets KHLANG_STATIC_HASHED for its server), so a
# school on a satellite link fetches hls.js once, compressed, and never again.
STATIC_HASHED = PRODUCTION or env.bool("KHLANG_STATIC_HASHED", default=False)
# Files: local folders by default; S3-compatible object storage when
# KHLANG_S3_ENDPOINT and KHLANG_S3_BUCKET are set (core.storage builds STORAGES,
# its defaults live there).
KHLANG_STORAGE = from_environment(
    env,
    {
        "S3_ENDPOINT": ("KHLANG_S3_ENDPOINT", env.str),
        "S3_BUCKET": ("KHLANG_S3_BUCKET", env.str),
        "S3_ACCESS_KEY": ("KHLANG_S3_ACCESS_KEY", env.str),
        "S3_SECRET_KEY": ("KHLANG_S3_SECRET_KEY", env.str),
        "S3_REGION": ("KHLANG_S3_REGION", env.str),
        "S3_PUBLIC_ENDPOINT": ("KHLANG_S3_PUBLIC_ENDPOINT", env.str),
        "SIGNED_URL_TTL": ("KHLANG_SIGNED_URL_TTL", env.int),
        "SCRATCH_DIR": ("KHLANG_SCRATCH_DIR", env.str),
    },
)
STORAGES = storage_backends(
    KHLANG_STORAGE,
    staticfiles_backend=(
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    ),
    protected_backend="media_center.storage.ProtectedStorage",
)
if STATIC_HASHED:
    WHITENOISE_AUTOREFRESH = False  # serve the collected, compressed files only
    WHITENOISE_USE_FINDERS = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads spool to disk
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "คลัง Khlang"  # i18n: keep (the product's name, in both scripts)
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The editor autosaves the whole form once typing pauses for this long (Wagtail's
# default is half a second). Over a school's 256 kbit/s link a lesson form of
# tens of kilobytes takes about a second to send, so half-second saves queue
# behind each other and race the teacher's own "save" or "submit" click (the
# late one is refused as overwriting a newer revision). Five seconds still
# keeps a paragraph's work if the link or the browser drops.
WAGTAIL_AUTOSAVE_INTERVAL = env.int("WAGTAIL_AUTOSAVE_INTERVAL", default=5000)
WAGTAILDOCS_EXTENSIONS = ["pdf", "epub", "docx", "pptx", "xlsx", "odt", "odp", "ods", "txt", "zip"]
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Celery -------------------------------------------------------------------
# Embedded default: kombu's SQLAlchemy transport on a SQLite file of its own, so
# `make run` needs no broker server. Production: redis:// or amqp://.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True  # state we care about lives in our own models
CELERY_TASK_ACKS_LATE = True  # a killed worker's task is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long ffmpeg jobs must not queue behind one worker
# Work routed by kind, so each kind can get hosts of its own (docker-compose.yml
# runs a worker per queue): encodes take whole cores for minutes, reports scan
# big tables, mirror feeds talk to slow school links; the rest stays snappy.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "transcoding.tasks.*": {"queue": "transcode"},
    "reports.tasks.*": {"queue": "reports"},
    "mirror.tasks.*": {"queue": "mirror"},
    # Live classes on their own workers, which hold the ingest's files: the
    # supervisor runs for the class's length, and the recording is joined from,
    # and the live files removed on, the host that wrote them.
    "live.tasks.*": {"queue": "live"},
}
# Beat may run on two hosts: only the holder of a lease in the cache sends.
CELERY_BEAT_SCHEDULER = "core.beat.LeaderScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic work, by task name; each domain app adds its own entries in
# <app>/schedules.py (plain data, so settings can import it).
CELERY_BEAT_SCHEDULE = {
    "purge-access-log-daily": {
        "task": "core.tasks.purge_access_log_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "worker-heartbeat": {
        "task": "core.tasks.worker_heartbeat_task",
        "schedule": 300.0,
        "kwargs": {"source": "beat"},
    },
}
_SCHEDULED_APPS = ["media_center", "transcoding", "lms", "exambank", "search", "mirror", "reports"]
for _app in [*_SCHEDULED_APPS, "notifications", "live"]:
    CELERY_BEAT_SCHEDULE.update(importlib.import_module(f"{_app}.schedules").BEAT_SCHEDULE)

# --- Khlang's own settings (read through core.conf.khlang_settings) ------------
# Defaults live in core.conf (and reports.conf); here only what the environment sets.
KHLANG = {
    # Tests see each request's row at once.
    **({"ACCESS_LOG_BATCH_SIZE": 1} if KHLANG_ENV == "test" else {}),
    **from_environment(
        env,
        {
            "ACCESS_LOG_RETENTION_DAYS": ("KHLANG_ACCESS_LOG_RETENTION_DAYS", env.int),
            "ACCESS_LOG_BATCH_SIZE": ("KHLANG_ACCESS_LOG_BATCH_SIZE", env.int),
            "TRUSTED_PROXY_COUNT": ("KHLANG_TRUSTED_PROXY_COUNT", env.int),
        },
    ),
}

# --- Search (read through search.conf.search_settings) --------------------------
# The catalog is searched on the database (SQLite FTS5 / PostgreSQL full text)
# unless ELASTICSEARCH_URL is set; KHLANG_SEARCH_BACKEND forces one.
KHLANG_SEARCH = from_environment(
    env,
    {
        "BACKEND": ("KHLANG_SEARCH_BACKEND", env.str),
        "SEGMENTER": ("KHLANG_SEARCH_SEGMENTER", env.str),
        "ES_ALIAS": ("KHLANG_SEARCH_ES_ALIAS", env.str),
    },
)
# --- Media center and transcoding ----------------------------------------------
# Media items are wagtailmedia's model extended (media_center.MediaItem). Files are
# checked by content (ffprobe, PDF/image signatures), never by extension, so
# wagtailmedia's extension lists are emptied.
WAGTAILMEDIA = {
    "MEDIA_MODEL": "media_center.MediaItem",
    "AUDIO_EXTENSIONS": [],
    "VIDEO_EXTENSIONS": [],
}
# Read through media_center.conf and transcoding.conf, where the defaults are;
# here only what the environment sets.
MEDIA_CENTER = from_environment(
    env,
    {
        "PROTECTED_ROOT": ("KHLANG_PROTECTED_ROOT", env.str),
        "URL_TTL_SECONDS": ("KHLANG_MEDIA_URL_TTL", env.int),
        "MAX_UPLOAD_BYTES": ("KHLANG_MAX_UPLOAD_BYTES", env.int),
        "ACCEL_REDIRECT_PREFIX": ("KHLANG_ACCEL_REDIRECT_PREFIX", env.str),
        "STORE_ACCEL_PREFIX": ("KHLANG_STORE_ACCEL_PREFIX", env.str),
    },
)
LIVE = from_environment(
    env,
    {
        "ROOT": ("KHLANG_LIVE_ROOT", env.str),
        "PORT_FIRST": ("KHLANG_LIVE_PORT_FIRST", env.int),
        "PUBLIC_HOST": ("KHLANG_LIVE_PUBLIC_HOST", env.str),
        "GRACE_SECONDS": ("KHLANG_LIVE_GRACE_SECONDS", env.int),
        "TOP_SHORT_SIDE": ("KHLANG_LIVE_TOP_SHORT_SIDE", env.int),
        "SRT": ("KHLANG_LIVE_SRT", env.str),
        "SRT_LATENCY_MS": ("KHLANG_LIVE_SRT_LATENCY_MS", env.int),
    },
)
TRANSCODING = from_environment(
    env,
    {
        "INCLUDE_1080P": ("KHLANG_TRANSCODE_1080P", env.bool),
        "FFMPEG_THREADS": ("KHLANG_FFMPEG_THREADS", env.int),
        "PRESET": ("KHLANG_X264_PRESET", env.str),
        "TIME_LIMIT_BASE": ("KHLANG_TRANSCODE_TIME_BASE", env.int),
        "TIME_LIMIT_FACTOR": ("KHLANG_TRANSCODE_TIME_FACTOR", env.float),
        "STUCK_AFTER_SECONDS": ("KHLANG_TRANSCODE_STUCK_AFTER", env.int),
        "OLD_VERSION_GRACE_SECONDS": ("KHLANG_RENDITION_GRACE", env.int),
        "CHUNK_SECONDS": ("KHLANG_TRANSCODE_CHUNK_SECONDS", env.int),
    },
)
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=0) or None

# =============================================================================
# --- Security ------------------------------------------------------------------
# Headers, Content-Security-Policy, login throttling. docs/security.md explains
# each choice; tests/core/test_security_settings.py holds production to
# `manage.py check --deploy` printing no warning.
# =============================================================================
from csp.constants import NONCE, NONE, SELF  # noqa: E402

INSTALLED_APPS += ["csp", "axes"]
# CSP on every response; axes last so it sees the authentication outcome.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")  # fmt: skip
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Wagtail's live previews are framed by the admin itself (core/preview_framing.py).
MIDDLEWARE.append("core.preview_framing.AdminPreviewFramingMiddleware")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")
# Scripts only from our origin or carrying this response's nonce: a stored
# <script> or on* handler that slipped past the sanitiser still does not run.
# Styles allow inline *attributes* because Wagtail's admin sets them from its
# own code; user HTML never keeps a style attribute (core.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        # Files on object storage reach the browser by presigned URL from its origin.
        "img-src": [SELF, "data:", "blob:", *browser_origins(KHLANG_STORAGE)],
        "media-src": [SELF, "blob:", *browser_origins(KHLANG_STORAGE)],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *browser_origins(KHLANG_STORAGE)],
        "worker-src": [SELF, "blob:"],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# The admin would otherwise fetch avatars and release notes from other hosts.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# --- E-mail (notifications) -----------------------------------------------------
# The embedded default prints mail to the console; production sets EMAIL_URL
# (smtp://user:password@host:587, see django-environ).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="khlang@localhost")

# --- Security in production ---------------------------------------------------
if PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # nginx answers plain-HTTP health checks on its own; Django redirects the rest.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Login throttling (core/throttle.py): 5 failures per account or 50 per address
# within 15 minutes lock that account or address for the rest of the window.
AUTHENTICATION_BACKENDS = [
    "core.throttle.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "core.throttle.ThrottleHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
KHLANG_LOGIN_LIMIT_PER_ACCOUNT = env.int("KHLANG_LOGIN_LIMIT_PER_ACCOUNT", default=5)
KHLANG_LOGIN_LIMIT_PER_ADDRESS = env.int("KHLANG_LOGIN_LIMIT_PER_ADDRESS", default=50)
# Axes' own admin list reads this one number; the lock is decided per parameter.
AXES_FAILURE_LIMIT = KHLANG_LOGIN_LIMIT_PER_ACCOUNT
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("KHLANG_LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
AXES_VERBOSE = False

# --- Production: TLS behind nginx (deploy/nginx.conf, docs/production.md) -------
# nginx terminates TLS and sends X-Forwarded-Proto; Django redirects anything
# that still arrives as plain HTTP and asks browsers to stay on HTTPS. The
# health check inside the compose network speaks plain HTTP, so it is exempt.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING" if KHLANG_ENV == "test" else "INFO"},
        # Wagtail 8 runs its own small jobs (reference index) through django-tasks;
        # one INFO line per job drowns everything else.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING" if KHLANG_ENV == "test" else "INFO"},
    },
}

# --- School mirror (mirror/) ---------------------------------------------------
# Read through mirror.conf.mirror_settings. Keys are base64 Ed25519 keys; when
# unset, each side keeps a generated key in var/ (see mirror/signing.py).
KHLANG_MIRROR = {
    "STORE_DIR": str(VAR_DIR / "content"),
    **from_environment(
        env,
        {
            "CENTRAL_URL": ("KHLANG_MIRROR_CENTRAL_URL", env.str),
            "MIRROR_ID": ("KHLANG_MIRROR_ID", env.str),
            "SIGNING_KEY": ("KHLANG_MIRROR_SIGNING_KEY", env.str),
            "CENTRAL_PUBLIC_KEY": ("KHLANG_MIRROR_CENTRAL_PUBLIC_KEY", env.str),
            "STORE_DIR": ("KHLANG_MIRROR_STORE_DIR", env.str),
            "BANDWIDTH_KBPS": ("KHLANG_MIRROR_BANDWIDTH_KBPS", env.int),
            "WINDOW": ("KHLANG_MIRROR_WINDOW", env.str),
            "DISK_QUOTA_BYTES": ("KHLANG_MIRROR_DISK_QUOTA_BYTES", env.int),
            "MIN_FREE_BYTES": ("KHLANG_MIRROR_MIN_FREE_BYTES", env.int),
            "EXTRA_SOURCES": ("KHLANG_MIRROR_EXTRA_SOURCES", env.list),
        },
    ),
}
