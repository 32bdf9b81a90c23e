"""Django settings for Taizhang, read from TAIZHANG_* environment variables through taizhang.conf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from taizhang import conf

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = conf.var_dir()

DEBUG = conf.env_bool("TAIZHANG_DEBUG", default=True)
TESTING = conf.env_bool("TAIZHANG_TESTING", default=False)
SECRET_KEY = conf.secret_key(DEBUG)
ALLOWED_HOSTS = conf.env_list("TAIZHANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = conf.env_list("TAIZHANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "taizhang.core",
    "taizhang.org",
    "taizhang.accounts",
    "taizhang.clues",
    "taizhang.supervision",
    "taizhang.portal",
    "taizhang.reporters",
    "taizhang.cases",
    "taizhang.publicity",
    "taizhang.rectification",
    "taizhang.reports",
    "taizhang.search",
    "taizhang.figures",
    "taizhang.drives",
    "taizhang.reviews",
    "taizhang.people",
    "taizhang.jobs",
    "taizhang.gate",
    "taizhang.ferry",
    "taizhang.exchange",
]

# Which site this process is (docs/portal.md): "combined" (the default, today's single process with the public
# pages inside), "ledger" (the internal network: everything but the public pages) or "portal" (the internet:
# the public pages and the sealed store, nothing of the ledger: no staff app, table, route or key).
SITE = conf.env_str("TAIZHANG_SITE") or "combined"
if SITE not in ("combined", "ledger", "portal"):
    raise ValueError(f"TAIZHANG_SITE must be combined, ledger or portal, not {SITE!r}")
# The portal site's whole application: Django's sessions and static files, its own store, the ferry.
PORTAL_SITE_APPS = [
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "taizhang.gate",
    "taizhang.ferry",
]
if SITE == "portal":
    INSTALLED_APPS = PORTAL_SITE_APPS
    from taizhang import site_guard

    site_guard.install()

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "taizhang.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "taizhang.core.middleware.SecurityHeadersMiddleware",
    "taizhang.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "taizhang.core.middleware.LanguageMiddleware",
    "taizhang.core.middleware.ErrorPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "taizhang.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "taizhang.supervision.middleware.CalendarWarningMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.core.replica.ReplicaMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "taizhang.urls"
CSRF_FAILURE_VIEW = "taizhang.core.errorpages.csrf_failure"
if SITE == "portal":
    # No authentication, second factor or staff messages: nobody signs in on the internet side.
    _STAFF_ONLY = (
        "AuthenticationMiddleware",
        "OTPMiddleware",
        "TwoFactorRequiredMiddleware",
        "MessageMiddleware",
    )
    # ...and no middleware of a ledger app (site_guard would refuse to load it anyway).
    MIDDLEWARE = [
        m for m in MIDDLEWARE if not m.endswith(_STAFF_ONLY) and not site_guard.refused(m.rpartition(".")[0])
    ]
    ROOT_URLCONF = "taizhang.gate.site_urls"
WSGI_APPLICATION = "taizhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The portal site has no staff layout: only the public pages' templates (the portal app's folder).
        "DIRS": [PACKAGE_DIR / "portal" / "templates"] if SITE == "portal" else [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # |day and |minute: the two date forms every page writes, without the date filter's cost.
            "builtins": ["taizhang.core.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
            ]
            + (
                []
                if SITE == "portal"
                else [
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "taizhang.core.context_processors.taizhang",
                ]
            ),
        },
    }
]
# Django's form renderer with the common widgets written in Python (the same HTML, a fraction of the time).
FORM_RENDERER = "taizhang.core.form_renderer.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        conf.env_str("TAIZHANG_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'taizhang.sqlite3'}",
        conn_max_age=conf.env_int("TAIZHANG_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The database holds every clue: readable by the service account only, from its creation.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        conf.ensure_private_file(Path(DATABASES["default"]["NAME"]))
    # IMMEDIATE makes every transaction take the write lock up front, so two writers queue instead of one
    # failing half-way with "database is locked" (and the audit chain never forks).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# A streaming replica for reads that tolerate a few seconds of staleness (core/replica.py decides which).
REPLICA_URL = conf.env_str("TAIZHANG_REPLICA_URL")
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(REPLICA_URL, conn_max_age=0)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["taizhang.core.replica.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = conf.env_int("TAIZHANG_REPLICA_MAX_LAG_SECONDS", 5)
REPLICA_STICKY_SECONDS = conf.env_int("TAIZHANG_REPLICA_STICKY_SECONDS", 10)
REPLICA_CHECK_SECONDS = conf.env_int("TAIZHANG_REPLICA_CHECK_SECONDS", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The ledger's covering indexes (clues.Clue) carry INCLUDE columns on PostgreSQL; SQLite builds them without.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "org.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create hundreds of users; production keeps argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after two idle hours and when the browser closes.
SESSION_COOKIE_AGE = conf.env_int("TAIZHANG_SESSION_IDLE_SECONDS", 2 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
# ...refreshing an unchanged session's expiry in the database at most once a minute (accounts/sessions.py).
SESSION_ENGINE = "taizhang.accounts.sessions" if SITE != "portal" else "django.contrib.sessions.backends.db"
AUTHENTICATION_BACKENDS = ["taizhang.accounts.backends.UnitModelBackend"]
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LOGIN_FAILURE_LIMIT = conf.env_int("TAIZHANG_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCK_SECONDS = conf.env_int("TAIZHANG_LOGIN_LOCK_SECONDS", 15 * 60)
# How long a one-time second-factor enrolment code stays valid (accounts/actions.py).
ENROLMENT_CODE_HOURS = conf.env_int("TAIZHANG_ENROLMENT_CODE_HOURS", 72)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    # Attachments, generated documents and package files (core/files.py): a folder shared by every node,
    # or S3-compatible object storage when TAIZHANG_STORAGE_URL is set.
    "default": conf.storage(conf.env_str("TAIZHANG_STORAGE_URL")),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS: list[Any] = [PACKAGE_DIR / "static"]
if SITE == "portal":
    # Only what the public pages load.
    STATICFILES_DIRS = [
        ("portal", PACKAGE_DIR / "static" / "portal"),
        ("vendor/bootstrap-5.3.3", PACKAGE_DIR / "static" / "vendor" / "bootstrap-5.3.3"),
    ]
MEDIA_ROOT = conf.env_str("TAIZHANG_FILES_DIR") or VAR_DIR / "files"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
ATTACHMENT_MAX_BYTES = conf.env_int("TAIZHANG_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# Sealed reporter identities: key from the environment or a key file outside the database.
IDENTITY_KEY = conf.env_str("TAIZHANG_IDENTITY_KEY")
IDENTITY_KEY_FILE = conf.env_str("TAIZHANG_IDENTITY_KEY_FILE") or str(VAR_DIR / "identity.key")

# The audit chain's HMAC key (base64, at least 32 bytes) and its signed checkpoint: both outside the database,
# so someone who can only write the database cannot forge rows or cut the newest ones (core/audit_key.py).
AUDIT_KEY = conf.env_str("TAIZHANG_AUDIT_KEY")
AUDIT_KEY_FILE = conf.env_str("TAIZHANG_AUDIT_KEY_FILE") or str(VAR_DIR / "audit.key")
AUDIT_CHECKPOINT_FILE = conf.env_str("TAIZHANG_AUDIT_CHECKPOINT_FILE") or str(
    VAR_DIR / "audit-checkpoint.json"
)

# The ferry between the sites (docs/portal.md): key folder, drop folders the worker watches, the channel
# ferried reports are registered under.
FERRY_DIR = Path(conf.env_str("TAIZHANG_FERRY_DIR") or VAR_DIR / "ferry")
FERRY_OUTBOX = conf.env_str("TAIZHANG_FERRY_OUTBOX")
FERRY_INBOX = conf.env_str("TAIZHANG_FERRY_INBOX")
FERRY_CHANNEL = conf.env_str("TAIZHANG_FERRY_CHANNEL") or "portal"
# The exchange between levels (docs/exchange.md): this instance's identity keys, and drop folders the worker
# watches (packages for every partner go to one outbox; the inbox takes every partner's).
EXCHANGE_DIR = Path(conf.env_str("TAIZHANG_EXCHANGE_DIR") or VAR_DIR / "exchange")
EXCHANGE_OUTBOX = conf.env_str("TAIZHANG_EXCHANGE_OUTBOX")
EXCHANGE_INBOX = conf.env_str("TAIZHANG_EXCHANGE_INBOX")
# The code of the office that registers clues handed down from above (default: the root office).
EXCHANGE_OFFICE = conf.env_str("TAIZHANG_EXCHANGE_OFFICE")

EMAIL_BACKEND = conf.env_str("TAIZHANG_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if conf.env_str("TAIZHANG_SMTP_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = conf.env_str("TAIZHANG_SMTP_HOST") or "localhost"
EMAIL_PORT = conf.env_int("TAIZHANG_SMTP_PORT", 25)
EMAIL_HOST_USER = conf.env_str("TAIZHANG_SMTP_USER")
EMAIL_HOST_PASSWORD = conf.env_str("TAIZHANG_SMTP_PASSWORD")
EMAIL_USE_TLS = conf.env_bool("TAIZHANG_SMTP_TLS", default=False)
DEFAULT_FROM_EMAIL = conf.env_str("TAIZHANG_MAIL_FROM") or "taizhang@localhost"
SITE_URL = conf.env_str("TAIZHANG_SITE_URL") or "http://127.0.0.1:8000"

# Call-backs (回访): each month's sample of real-name reporters whose clues were concluded (share %, at least N).
CALLBACK_SHARE = conf.env_int("TAIZHANG_CALLBACK_SHARE", 20)
CALLBACK_MIN = conf.env_int("TAIZHANG_CALLBACK_MIN", 5)
# SMS to reporters through an HTTP gateway (as Chinese SMS gateways work): a POST of the template, filled with
# {phone} and {text} (JSON-escaped), to the URL; empty URL = SMS not configured.
SMS_GATEWAY_URL = conf.env_str("TAIZHANG_SMS_URL")
SMS_GATEWAY_TEMPLATE = conf.env_str("TAIZHANG_SMS_TEMPLATE") or '{{"mobile": {phone}, "content": {text}}}'
SMS_GATEWAY_TIMEOUT = conf.env_int("TAIZHANG_SMS_TIMEOUT", 5)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = conf.env_bool("TAIZHANG_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = conf.env_int("TAIZHANG_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The load balancer probes each node over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

NINJA_PAGINATION_PER_PAGE = 50

# One cache for every node: the database by default, Redis when TAIZHANG_CACHE_URL says so.
CACHES = {"default": conf.cache(conf.env_str("TAIZHANG_CACHE_URL"))}

# Long work is a job row run by `taizhang worker` (taizhang/jobs): django-tasks with its database backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_HEARTBEAT_SECONDS = conf.env_int("TAIZHANG_JOB_HEARTBEAT_SECONDS", 5)
JOB_STALE_SECONDS = conf.env_int("TAIZHANG_JOB_STALE_SECONDS", 60)
# /readyz: a worker counts as alive when it beat within this many seconds.
WORKER_STALE_SECONDS = conf.env_int("TAIZHANG_WORKER_STALE_SECONDS", 180)
# /metrics answers only with this bearer token (or to a signed-in system administrator).
METRICS_TOKEN = conf.env_str("TAIZHANG_METRICS_TOKEN")
PROMETHEUS_EXPORT_MIGRATIONS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "taizhang.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if conf.env_bool("TAIZHANG_LOG_JSON", default=not DEBUG) else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": conf.env_str("TAIZHANG_LOG_LEVEL") or "WARNING"},
}
