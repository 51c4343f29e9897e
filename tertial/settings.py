"""Django settings, read from the environment.

Every setting a deployment changes comes from a ``TERTIAL_*`` variable; the defaults give a
working single-user installation on an SQLite file in the working directory.
See docs/deployment.md for production values.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("TERTIAL_DEBUG", False)

DATABASE_URL = (
    os.environ.get("TERTIAL_DATABASE_URL") or f"sqlite:///{Path.cwd() / 'tertial.sqlite3'}"
)
# Connections are kept for a minute by each server thread, on SQLite too: opening one costs
# more than a page's queries (SQLite sets the journal mode and reads the schema anew: 2 ms).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Files that belong to the data rather than the code: raw ledger rows kept for tracing,
# uploaded files, frozen report editions. Beside the SQLite file by default.
DATA_DIR = Path(os.environ.get("TERTIAL_DATA_DIR") or Path.cwd() / "tertial-data")


def _secret_key() -> str:
    key = os.environ.get("TERTIAL_SECRET_KEY")
    if key:
        return key
    # A single-machine installation keeps its own random key beside its data, so that
    # sessions survive a restart without a secret ever being written into the repository.
    # Several app processes behind a load balancer must share TERTIAL_SECRET_KEY instead.
    key_file = DATA_DIR / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("TERTIAL_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("TERTIAL_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "tertial.web.apps.AdminConfig",  # Django's admin on the site of tertial.web.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "tertial.platform",
    "tertial.audit",
    "tertial.notifications",
    "tertial.organisation",
    "tertial.economy",
    "tertial.goals",
    "tertial.narrative",
    "tertial.reports",
    "tertial.access",
    "tertial.workflow",
    "tertial.web",
    "tertial.api",
    "tertial.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One read of an organisation's cache versions per GET request (tertial.platform.cache).
    "tertial.platform.cache.RequestVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language a person chose, else Swedish; not the browser's alone (tertial.web.language).
    "tertial.web.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tertial.urls"
# Where the source of the running version can be had (the AGPL asks a server running a changed
# tertial to offer it to its users); shown in every page's footer when set.
SOURCE_URL = os.environ.get("TERTIAL_SOURCE_URL", "")
WSGI_APPLICATION = "tertial.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site's own pages first: the admin app, listed before tertial's apps, has
        # registration/ templates of the same names (the password pages of an invitation).
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tertial.web.context_processors.site",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers user.has_perm("tertial.<action>", obj) from tertial.access.rules.
    "tertial.access.backends.RulesBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
try:  # argon2 is optional; PBKDF2 (Django's default, 1M iterations) stands in without it.
    import argon2  # noqa: F401
except ImportError:
    PASSWORD_HASHERS = PASSWORD_HASHERS[1:]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AXES_FAILURE_LIMIT = int(os.environ.get("TERTIAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True

# Single sign-on through OpenID Connect (the municipality's directory), switched on by
# setting TERTIAL_OIDC_OP_BASE_URL or the endpoint variables; see docs/deployment.md.
OIDC_RP_CLIENT_ID = os.environ.get("TERTIAL_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("TERTIAL_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("TERTIAL_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("TERTIAL_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("TERTIAL_OIDC_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("TERTIAL_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("TERTIAL_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("TERTIAL_OIDC_SCOPES", "openid email profile")
# Only people already given a membership may log in; nobody is created by signing in.
OIDC_CREATE_USER = env_bool("TERTIAL_OIDC_CREATE_USER", False)
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("mozilla_django_oidc.auth.OIDCAuthenticationBackend")

# E-mail (invitations, reminders, notices), sent by the task worker. Without a host the
# messages are written to the worker's output instead of sent.
EMAIL_HOST = os.environ.get("TERTIAL_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("TERTIAL_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("TERTIAL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TERTIAL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TERTIAL_EMAIL_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("TERTIAL_EMAIL_FROM", "tertial <noreply@localhost>")
# Reminders go this many days before a deadline (`tertial remind`, run daily).
REMINDER_DAYS = int(os.environ.get("TERTIAL_REMINDER_DAYS", "3"))
# The address people reach the site at, for the links in e-mails.
SITE_URL = os.environ.get("TERTIAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
# Whether the site's own pages follow a browser's Accept-Language before a person chooses a
# language; an organisation's pages follow its setting browser_language (tertial.web.language).
TERTIAL_BROWSER_LANGUAGE = env_bool("TERTIAL_BROWSER_LANGUAGE", False)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the apps' static folders (WHITENOISE_USE_FINDERS) until
# `tertial collectstatic` fills STATIC_ROOT; it only needs the folder to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TERTIAL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Uploads: imports can be large, but the web server must not hold them in memory.
FILE_UPLOAD_HANDLERS = [
    # Before Django's own: refuses what is too large or anonymous before it is spooled.
    "tertial.web.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
TERTIAL_MAX_UPLOAD_BYTES = int(os.environ.get("TERTIAL_MAX_UPLOAD_BYTES", str(2 * 1024**3)))

# Security headers; the cookie flags that need HTTPS are switched on by TERTIAL_HTTPS.
HTTPS = env_bool("TERTIAL_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("TERTIAL_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TERTIAL_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TERTIAL_LOG_LEVEL", "WARNING")},
}
