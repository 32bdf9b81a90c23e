"""Django settings for Taizhang, read from TAIZHANG_* environment variables through taizhang.conf."""

from __future__ import annotations

from pathlib import Path

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
]

MIDDLEWARE = [
    "taizhang.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "taizhang.core.middleware.SecurityHeadersMiddleware",
    "taizhang.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "taizhang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "taizhang.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "taizhang.urls"
WSGI_APPLICATION = "taizhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taizhang.core.context_processors.taizhang",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        conf.env_str("TAIZHANG_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'taizhang.sqlite3'}",
        conn_max_age=conf.env_int("TAIZHANG_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock up front, so two writers queue instead of one
    # failing half-way with "database is locked" (and the audit chain never forks).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

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
SESSION_ENGINE = "taizhang.accounts.sessions"
AUTHENTICATION_BACKENDS = ["taizhang.accounts.backends.UnitModelBackend"]
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LOGIN_FAILURE_LIMIT = conf.env_int("TAIZHANG_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCK_SECONDS = conf.env_int("TAIZHANG_LOGIN_LOCK_SECONDS", 15 * 60)

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
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "files"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
ATTACHMENT_MAX_BYTES = conf.env_int("TAIZHANG_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# Sealed reporter identities: key from the environment or a key file outside the database.
IDENTITY_KEY = conf.env_str("TAIZHANG_IDENTITY_KEY")
IDENTITY_KEY_FILE = conf.env_str("TAIZHANG_IDENTITY_KEY_FILE") or str(VAR_DIR / "identity.key")

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

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": conf.env_str("TAIZHANG_LOG_LEVEL") or "WARNING"},
}
