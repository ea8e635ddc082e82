"""Settings for sathach, every deployment option read from the environment.

See .env.example for the full list. Nothing here holds a secret; a local secret key is
generated once into var/ when SECRET_KEY is not given.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sathach.core.env import (
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    local_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("SATHACH_VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "") or local_secret_key(VAR_DIR / "secret_key")
# Encrypts the exam CA's private keys and wraps the leaders' PIN-protected keys at rest.
PKI_KEY = env_str("SATHACH_PKI_KEY", "") or local_secret_key(VAR_DIR / "pki_key")
# The address certificates name as their CRL distribution point (never fetched by us).
BASE_URL = env_str("SATHACH_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "sathach.core",
    "sathach.organization",
    "sathach.campaigns",
    "sathach.exams",
    "sathach.notices",
    "sathach.practical",
    "sathach.signatures",
    "sathach.reports",
    "sathach.eoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before XFrameOptionsMiddleware, so that it sees the X-Frame-Options it follows.
    "sathach.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sathach.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known and before any view (or the CSRF check) reads the body.
    "sathach.core.middleware.RequestBodyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sathach.organization.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sathach.urls"
WSGI_APPLICATION = "sathach.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sathach.organization.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sathach.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an answer is written; IMMEDIATE avoids the
    # "database is locked" upgrade failure of deferred write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A kept connection is checked before each request uses it, and a new one waits a few
    # seconds for a restarting server (sathach.core.postgresql): after a restart of
    # PostgreSQL the next request is served, not answered with an error.
    DATABASES["default"]["ENGINE"] = "sathach.core.postgresql"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organization.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures: per account and address, so that one commune's
# shared connection is not locked out by a single mistyping leader.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind the reverse proxy (sathach.core.client_ip): requests from
# these peers carry it in X-Forwarded-For. 127.0.0.1 for the nginx of docs/DEPLOYMENT.md.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Where `sathach audit checkpoint` appends the audit chain's signed head (keep a copy off the
# database's machine); `sathach audit verify` reads it.
AUDIT_CHECKPOINT_FILE = env_str("AUDIT_CHECKPOINT_FILE", "") or str(
    VAR_DIR / "audit-checkpoints.jsonl"
)
AXES_CLIENT_IP_CALLABLE = "sathach.core.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Every failure kept (AccessFailureLog) for the administrators' page of failed sign-ins
# (organization/lockouts.py); django-axes keeps at most 1000 per user name.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["sathach.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# The files the application writes: in the database (every server reaches them, the standby
# holds them), or, with FILE_STORAGE=filesystem, under MEDIA_ROOT for a single server.
_FILE_STORAGES = {
    "database": "sathach.core.storage.DatabaseStorage",
    "filesystem": "django.core.files.storage.FileSystemStorage",
}
if env_str("FILE_STORAGE", "database") not in _FILE_STORAGES:
    raise ImproperlyConfigured("FILE_STORAGE: use database or filesystem")
STORAGES = {
    "default": {"BACKEND": _FILE_STORAGES[env_str("FILE_STORAGE", "database")]},
    "staticfiles": {
        "BACKEND": "sathach.core.storage.StaticStorage",
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "staticfiles.json").exists()

# Sessions and cookies. HTTPS is what a deployment behind the reverse proxy uses;
# `make run` on 127.0.0.1 is plain HTTP, so the Secure flag follows HTTPS.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only the e-office pages frame their own PDFs (xframe_options_sameorigin on those views).
X_FRAME_OPTIONS = "DENY"
# sathach.core.middleware.ContentSecurityPolicyMiddleware. No inline script or style
# anywhere: every script is a static file (values reach it through data-* attributes), every
# style is in site.css, so 'unsafe-inline' is needed for neither. img-src allows data: for
# the page pictures of the signature verification.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    CONTENT_SECURITY_POLICY["upgrade-insecure-requests"] = ""

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Threads of each server process for the pages (sathach.core.threaded_wsgi), each with its
# own database connection; the autosave is answered beside them on the event loop.
SERVER_THREADS = env_int("SERVER_THREADS", 2)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# A practical task's file (a .docx, .xlsx, .pptx or OpenDocument file the leader made), and
# the LibreOffice program that recalculates and draws them (found on the PATH when empty).
PRACTICAL_UPLOAD_MAX_BYTES = env_int("PRACTICAL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
SOFFICE = env_str("SOFFICE", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# A request body is refused from its Content-Length alone, unread, past these sizes: any
# (a question file of 20 MB and its form), and one from nobody signed in (a sign-in form;
# the autosave's own bound is as large).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 21 * 1024 * 1024)
ANONYMOUS_MAX_BYTES = env_int("ANONYMOUS_MAX_BYTES", 256 * 1024)
# An uploaded PDF is read in a child process with this address-space cap and time limit
# (sathach.signatures.sandbox); a file that needs more is "too complex to check".
PDF_CHECK_MEMORY_MB = env_int("PDF_CHECK_MEMORY_MB", 1024)
PDF_CHECK_SECONDS = env_int("PDF_CHECK_SECONDS", 20)
# An uploaded Excel workbook is refused unread past this unpacked size, and read no further
# than this many rows of a sheet (sathach.core.spreadsheets).
XLSX_MAX_UNPACKED_MB = env_int("XLSX_MAX_UNPACKED_MB", 64)
XLSX_MAX_ROWS = env_int("XLSX_MAX_ROWS", 20000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 400) is one warning line with its user and path, no traceback.
    "filters": {"client_error": {"()": "sathach.core.log_filters.ClientErrorOneLine"}},
    "loggers": {"django.request": {"filters": ["client_error"]}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Background work (certificate batches): django-tasks with its database backend, so the
# worker (`sathach worker`) needs no service besides the database. TASKS_BACKEND=immediate
# runs each task inside the request instead (small installations, debugging).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if env_str("TASKS_BACKEND", "database") not in _TASK_BACKENDS:
    raise ImproperlyConfigured("TASKS_BACKEND: use database or immediate")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env_str("TASKS_BACKEND", "database")]}}
# Units and people files larger than this (bytes) are imported by the background worker,
# with the progress on the job page; smaller ones in the request, errors on the form.
IMPORT_IN_REQUEST_BYTES = env_int("IMPORT_IN_REQUEST_BYTES", 200_000)
# How long a queued signing batch may wait for the worker before its PIN is refused.
SIGNING_JOB_TTL = env_int("SIGNING_JOB_TTL_SECONDS", 15 * 60)

# Notices to the leaders (docs/NOTICES.md). E-mail through Django's SMTP backend; SMS or
# Zalo through one HTTP gateway (empty URL: such notices fail with a reason on the page).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sathach@localhost")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = env_str("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_FORMAT = env_str("SMS_GATEWAY_FORMAT", "json")
if SMS_GATEWAY_FORMAT not in ("json", "form"):
    raise ImproperlyConfigured("SMS_GATEWAY_FORMAT: use json or form")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 15)
SMS_SENDER = env_str("SMS_SENDER", "")
# The phone number the leaders call about a session (the district's exam office).
NOTICES_CONTACT_PHONE = env_str("NOTICES_CONTACT_PHONE", "")

# Fonts with every Vietnamese letter (Debian fonts-liberation2), for generated PDFs.
PDF_FONT_DIR = Path(env_str("PDF_FONT_DIR", "/usr/share/fonts/truetype/liberation2"))

# The PKCS#11 module of the USB tokens plugged into the server (empty: server-side token
# signing is off; leaders sign on their own computer with `sathach token_sign`).
PKCS11_MODULE = env_str("SATHACH_PKCS11_MODULE", "")
