"""Settings, read from the environment. See README.md for every variable."""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from botocore.config import Config as BotoConfig
from celery.schedules import crontab

from kaguaruoo import env as reader

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

try:
    VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
    DEBUG = reader.boolean(env, "DEBUG", default=True)
    SECRET_KEY = reader.secret_key(env, debug=DEBUG, var_dir=VAR_DIR)
    # Where mail links point; `make run` passes the address it serves at.
    SITE_URL = reader.site_url(env, debug=DEBUG)
    DATABASES = {
        "default": reader.database_config(
            env.str("DATABASE_URL", default="sqlite:///var/db.sqlite3"), base_dir=BASE_DIR
        )
    }
    # A PostgreSQL replica for the public pages' reads (kaguaruoo/db_router.py); tests
    # use Django's test mirror of the primary in its place.
    DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
    if DATABASE_REPLICA_URL:
        DATABASES["replica"] = {
            **reader.database_config(
                DATABASE_REPLICA_URL, base_dir=BASE_DIR, name="DATABASE_REPLICA_URL"
            ),
            "TEST": {"MIRROR": "default"},
        }
    REDIS_URL = env.str("REDIS_URL", default="")
    if REDIS_URL:
        reader.redis_url(REDIS_URL)
    MAILERS = {"default": reader.mailer_config(env.str("EMAIL_URL", default="console://"))}
    USE_HTTPS = reader.boolean(env, "USE_HTTPS", default=not DEBUG)
except reader.SettingsError as error:
    sys.exit(f"Configuration error: {error}")

DATABASE_ROUTERS = ["kaguaruoo.db_router.ReplicaRouter"]
# After a write, how long that browser keeps reading the primary rather than the replica
# (longer than the replica's usual lag).
DATABASE_REPLICA_STICKY_SECONDS = env.int("DATABASE_REPLICA_STICKY_SECONDS", default=10)

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Payments: card payments through Stripe Checkout once a secret key is set (bank
# transfer only without one); the account tenants transfer to, shown with each payment.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="") or "https://api.stripe.com"
# Development shows a complete payment page: a demo account (no real bank), and card
# payments in test mode when no Stripe key is set (contracts/payments/stripe_gateway.py).
BANK_TRANSFER_ACCOUNT = env.str(
    "BANK_TRANSFER_ACCOUNT",
    default="KaguAruoo Demo Bank, Shibuya branch, ordinary 0000000, KaguAruoo K.K. (demo)"
    if DEBUG
    else "",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "kaguaruoo",
    "accounts",
    "listings",
    "messaging",
    "contracts",
    "privacy",
    "kaguaruoo.outbox",
    "campaigns",
]

MIDDLEWARE = [
    # First, so that every answer (redirects and errors too) carries the request id and
    # is logged once (kaguaruoo/requestlog.py).
    "kaguaruoo.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy, CORP, no-store on personal pages, SameSite on every cookie.
    "kaguaruoo.headers.SecurityHeadersMiddleware",
    # Before anything reads a request's body: a body larger than its view takes is
    # answered 413 unread.
    "kaguaruoo.uploads.BodySizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.SignInPausedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A refused limit (kaguaruoo/ratelimit.py) becomes the 429 page, in the reader's language.
    "kaguaruoo.ratelimit.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "privacy.middleware.AccessLogMiddleware",
    "privacy.middleware.AnalyticsCookieMiddleware",
    # Last, so that only the view's own writes count (not the session's or the log's).
    "kaguaruoo.db_router.RecentWriteMiddleware",
]

ROOT_URLCONF = "kaguaruoo.urls"
WSGI_APPLICATION = "kaguaruoo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacy.context_processors.privacy_notices",
                "messaging.context_processors.unread_messages",
            ],
        },
    },
]

# Cache: Redis when REDIS_URL is set, so that every web process shares rate
# limits and cached pages; process memory in development. The default cache
# answers as a miss while Redis is down (kaguaruoo/cache.py), and short socket
# timeouts keep a request from hanging on an unreachable one.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kaguaruoo.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kaguaruoo"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Abuse limits (kaguaruoo/ratelimit.py) count in a cache of their own, on Django's stock
# backend: it raises when Redis is unreachable, so a limit knows it could not count.
CACHES["limits"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kaguaruoo"),
        # A limit is asked on the way to a page: an unreachable Redis must not hold it up.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"}
)

# How often one person (or, signed out, one address) may do a thing: per limit, windows
# of (count, seconds), each counted on its own. The numbers are far above what a person
# does by hand; they stop scripts. See kaguaruoo/ratelimit.py.
RATE_LIMITS = {
    # Messages in a conversation, per person.
    "message": [(15, 60), (200, 3600)],
    # New conversations about a listing ("Request materials"), per person.
    "inquiry": [(10, 600), (30, 86400)],
    # Reservation requests, per person.
    "reservation": [(10, 600), (30, 86400)],
    # The address and station pickers' lookups, per person or address. An office or a
    # university shares one address, hence the room; a picker asks once per pause in typing.
    "postal_lookup": [(60, 60), (1000, 3600)],
    "station_lookup": [(120, 60), (2000, 3600)],
}
# The signing code, counted in the database (contracts/booking/services.py): a new code
# at most once a minute and a few an hour and a day per contract, each taking at most
# five tries, so a stolen session can guess at most 5 x 10 codes of a million a day.
SIGNING_CODE_INTERVAL_SECONDS = 60
SIGNING_CODES_PER_HOUR = 5
SIGNING_CODES_PER_DAY = 10

# Sessions are read from the cache and written to both; while the cache is down
# they are read from and written to the database alone (kaguaruoo/cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the login, verified before the first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KaguAruoo] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if USE_HTTPS else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# A second factor (TOTP) for anyone; the staff site demands one (privacy/staff_access.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "KaguAruoo"

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="KaguAruoo <no-reply@kaguaruoo.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sender named at the foot of every campaign mail (Specified E-mail Act, art. 4).
COMPANY_ADDRESS = env.str(
    "COMPANY_ADDRESS",
    default="KaguAruoo K.K., 1-1-1 Jingumae, Shibuya-ku, Tokyo 150-0001, Japan (demo)"
    if DEBUG
    else "",
)
# Where a new support request or a tenant's or host's follow-up is announced to staff.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@kaguaruoo.jp")

LANGUAGE_CODE = "en"
# Each named in its own language, as the header offers them.
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates per language (2027年1月10日 / 10 Jan 2027): kaguaruoo/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["kaguaruoo.formats"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    # whitenoise looks for STATIC_ROOT at start-up even while it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Media on S3 (or any S3-compatible store) once a bucket is named.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="ap-northeast-1"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            # An unreachable store costs a request seconds, not minutes: the request
            # then answers 503 (kaguaruoo/views.py server_error).
            "client_config": BotoConfig(
                signature_version="s3v4",
                connect_timeout=3,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies (kaguaruoo/uploads.py). A form without files is read into memory up to
# DATA_UPLOAD_MAX_MEMORY_SIZE (the longest form, a listing in two languages or a
# campaign text, is far below 1 MB); its view refuses a larger body with 413 unread.
# Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file rather than memory, so
# twenty photos in one form never sit in a worker's memory at once.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# The admin's largest form (a page of 100 rows selected for an action, a questionnaire
# with its questions inline) posts a few hundred fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Twenty photos at once is the most a page takes (listings/photos.py MAX_PHOTOS).
DATA_UPLOAD_MAX_NUMBER_FILES = 25
# The views that take files, by URL name or namespace, and the largest body each takes:
# its files at their most, with room above, so that a file a little too large gets its
# form's own message rather than the 413 page. The proxy in front caps bodies at the
# same sizes (README, "Abuse limits and upload sizes").
ATTACHMENT_REQUEST_MAX_BYTES = 15 * 1024 * 1024  # one PDF or image of 10 MB
PHOTOS_REQUEST_MAX_BYTES = (20 * 15 + 1) * 1024 * 1024  # twenty photos of 15 MB
REQUEST_BODY_MAX_BYTES = {
    "messaging:message_create": ATTACHMENT_REQUEST_MAX_BYTES,
    "contracts:support_create": ATTACHMENT_REQUEST_MAX_BYTES,
    "contracts:support_message_create": ATTACHMENT_REQUEST_MAX_BYTES,
    "contracts:house_guide_manage": ATTACHMENT_REQUEST_MAX_BYTES,
    "privacy:identity_upload": ATTACHMENT_REQUEST_MAX_BYTES,
    "listings:host_photos": PHOTOS_REQUEST_MAX_BYTES,
    # Staff answer support requests with a file in admin.
    "admin": ATTACHMENT_REQUEST_MAX_BYTES,
}

# Celery: Redis as broker when REDIS_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="kaguaruoo")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Delivery: every task of the site may run twice (each guards itself: a state moved with
# compare-and-swap, a row with a unique key, an outbox lease; a privacy archive already
# built is not built again), so a task is acknowledged
# only once it finished (acks_late) and goes back to the queue when its pool process dies
# under it (reject_on_worker_lost); without that, a process killed mid-task loses it.
# Redis gives a message taken by a worker that died whole back after the visibility
# timeout; until then it waits. That timeout must outlast everything a worker holds a
# message for without acknowledging it:
#   running it: at most CELERY_TASK_TIME_LIMIT (120 s), and with prefetch 1, waiting
#   behind one other task for as long;
#   a countdown or a retry's backoff (the worker holds it until it is due): at most
#   TASK_COUNTDOWN_MAX, whichever task asks (tests/kaguaruoo/test_celery_settings.py).
# A message held longer than the timeout is given to another worker as well and runs
# twice; a timeout much longer than needed only delays recovery after a crash. Mail does
# not wait for it: beat's outbox sweep sends what a dead worker held once its lease
# (OUTBOX_LEASE_SECONDS) runs out.
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
TASK_COUNTDOWN_MAX = 600
REDIS_VISIBILITY_TIMEOUT = TASK_COUNTDOWN_MAX + 2 * CELERY_TASK_TIME_LIMIT + 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": REDIS_VISIBILITY_TIMEOUT,
}
CELERY_TIMEZONE = TIME_ZONE
# The mail outbox (kaguaruoo/outbox): drains running at once, rows a drain claims at a
# time, how long a claim holds before another worker may take it, and a rate for the
# whole site in messages a second (0: as fast as the SMTP server takes them).
OUTBOX_PARALLEL = env.int("OUTBOX_PARALLEL", default=2)
# Threads each drain sends with (one SMTP and database connection each; PostgreSQL only).
OUTBOX_THREADS = env.int("OUTBOX_THREADS", default=2)
OUTBOX_BATCH = env.int("OUTBOX_BATCH", default=50)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)
OUTBOX_RATE = env.float("OUTBOX_RATE", default=0)
OUTBOX_MAX_ATTEMPTS = 8
OUTBOX_DRAIN_SECONDS = 60
# How often beat sweeps the outbox (rows whose drain request was lost with the broker,
# leases run out, backoffs ended): the longest a person's mail waits after an outage.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=15)
# The access log (policy 1.2.3): with REDIS_URL, a request appends its row to a Redis
# list (no expiry, so eviction never takes it) and beat drains the list into the table;
# without Redis the row is written as the request ends (privacy/access_log_buffer.py).
# Sites sharing a Redis are kept apart by the cache's key prefix.
ACCESS_LOG_BUFFER_KEY = env.str("CACHE_KEY_PREFIX", default="kaguaruoo") + ":access-log"
ACCESS_LOG_DRAIN_BATCH = 1000

CELERY_BEAT_SCHEDULE = {
    # The outbox: mail whose drain was never asked for (broker down at commit), held by a
    # worker that died (its lease ran out), or waiting for its backoff to end.
    "outbox-recover": {
        "task": "kaguaruoo.outbox.tasks.outbox_recover",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_SECONDS},
    },
    # Campaigns: scheduled campaigns start when their time comes.
    "campaigns-due": {
        "task": "campaigns.tasks.campaigns_due",
        "schedule": 60,
    },
    # Privacy: a fulfilled disclosure whose archive task was lost (with Redis's data) is
    # built after all.
    "privacy-archives-missing": {
        "task": "privacy.tasks.privacy_archives_missing_queue",
        "schedule": 3600,
    },
    # Privacy: identity documents go 30 days after the decision.
    "privacy-identity-documents-purge": {
        "task": "privacy.tasks.identity_documents_purge",
        "schedule": 3600 * 6,
    },
    # Privacy: the access log's rows, from the Redis list requests append to, into the
    # table. A drain that waited in a busy queue past the next one is not worth running.
    "privacy-access-log-drain": {
        "task": "privacy.tasks.access_logs_drain",
        "schedule": 2,
        "options": {"expires": 10},
    },
    # Privacy: connection-source domains of the access log, and its 180-day retention.
    "privacy-access-log-domains": {
        "task": "privacy.tasks.access_log_domains_resolve",
        "schedule": 300,
    },
    "privacy-access-log-purge": {
        "task": "privacy.tasks.access_logs_purge",
        "schedule": 3600 * 24,
    },
    # Privacy: what a deletion kept for a legal period goes once that period ends.
    "privacy-deleted-accounts-sweep": {
        "task": "privacy.tasks.deleted_accounts_sweep",
        "schedule": 3600 * 24,
    },
    # Listings: photos whose resizing never got queued (broker down at upload).
    "listings-photos-requeue-stale": {
        "task": "listings.tasks.photos_requeue_stale",
        "schedule": 600,
    },
    # Contracts: unsigned contracts expire 72 hours after they were sent.
    "contracts-expire": {
        "task": "contracts.tasks.contracts_expire",
        "schedule": 300,
    },
    # Contracts: the day before move-in, the tenant is mailed where the House Guide is.
    # 09:00 Tokyo mails everybody; the later hourly runs catch contracts signed since,
    # and a run missed while beat was down. A contract is mailed once whatever runs.
    "contracts-house-guide-reminders": {
        "task": "contracts.tasks.house_guide_reminders_send",
        "schedule": crontab(minute=0, hour="9-21"),
    },
    # Contracts: payments past their due date become overdue; the tenant is reminded once.
    "contracts-payments-overdue": {
        "task": "contracts.tasks.payments_overdue_mark",
        "schedule": crontab(hour=9, minute=0),
    },
    # Questionnaires: stays whose move-in + N days or move-out came are invited once.
    "campaigns-questionnaire-stay-invitations": {
        "task": "campaigns.questionnaires.tasks.questionnaire_stay_invitations_send",
        "schedule": crontab(hour=10, minute=0),
    },
}

# Media files' own origin when they are on S3 (listing photos are shown from there, by
# signed URLs): the endpoint of an S3-compatible store, or the bucket's on AWS.
if not AWS_STORAGE_BUCKET_NAME:
    MEDIA_ORIGINS = []
elif MEDIA_STORAGE["OPTIONS"]["endpoint_url"]:
    endpoint = urlsplit(MEDIA_STORAGE["OPTIONS"]["endpoint_url"])
    MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
else:
    MEDIA_ORIGINS = [
        f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
        f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{MEDIA_STORAGE['OPTIONS']['region_name']}"
        ".amazonaws.com",
    ]

# Content Security Policy: nothing unless named. Every script, stylesheet and image is
# the site's own (images also from the media store; data: for the QR code of the
# second-factor set-up); scripts fetch only the site's own JSON.
SECURE_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}

# Privacy policy 2.3: personal data travels over TLS only.
if USE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    MFA_TRUST_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# SameSite on every cookie (Django leaves it off the language cookie by default).
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF token from its cookie: every form carries it.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Logs: one line per request and per task run by a worker, each with the request id
# (kaguaruoo/requestlog.py); JSON lines in production, plain text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    sys.exit(f"Configuration error: LOG_FORMAT must be plain or json; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kaguaruoo.requestlog.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kaguaruoo.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request line of kaguaruoo.request replaces Django's own.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # One line per task in eager development mode drowns everything else; a worker
        # logs each task once under kaguaruoo.task.
        "celery.app.trace": {"level": "WARNING"},
    },
}

# Error reports (kaguaruoo/error_reports.py): to Sentry once a DSN is set, with personal
# data taken out of every report.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from kaguaruoo.error_reports import error_reports_init

    error_reports_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
