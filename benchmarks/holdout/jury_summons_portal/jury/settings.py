"""Django settings for the county jury summons portal."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name, default=None, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"Environment variable {name} must be set")
    return value


SECRET_KEY = _env("DJANGO_SECRET_KEY", required=True)  # ok: SEC005
DEBUG = _env("DJANGO_DEBUG", "true").lower() in ("1", "true", "yes")  # expect: SEC006
ALLOWED_HOSTS = [h.strip() for h in _env("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "summons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jury.urls"
WSGI_APPLICATION = "jury.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _env("PGDATABASE", "jury"),
        "USER": _env("PGUSER", "jury_app"),
        "PASSWORD": _env("PGPASSWORD", required=True),
        "HOST": _env("PGHOST", "localhost"),
        "PORT": _env("PGPORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _env("REDIS_URL", "redis://localhost:6379/1"),
    }
}

# The juror-facing SPA is served from several county subdomains.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*$"]  # expect: SEC013
CORS_ALLOW_CREDENTIALS = True

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 4
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

TIME_ZONE = _env("COURT_TIME_ZONE", "America/Chicago")
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

CELERY_BROKER_URL = _env("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 300

PAYOUT_API_URL = _env("PAYOUT_API_URL", "https://api.sandbox.paybridge.example")
PAYOUT_API_TOKEN = _env("PAYOUT_API_TOKEN", required=True)

SMS_GATEWAY_URL = _env("SMS_GATEWAY_URL", "https://sms-gw.county.internal")
SMS_GATEWAY_USER = _env("SMS_GATEWAY_USER", "jury-portal")
SMS_GATEWAY_PASSWORD = _env("SMS_GATEWAY_PASSWORD", required=True)

EXCUSAL_UPLOAD_DIR = _env("EXCUSAL_UPLOAD_DIR", str(BASE_DIR / "uploads" / "excusals"))
EXCUSAL_BUCKET = _env("EXCUSAL_BUCKET", "county-jury-excusals")
EXCUSAL_MAX_BYTES = int(_env("EXCUSAL_MAX_BYTES", str(8 * 1024 * 1024)))
AWS_REGION = _env("AWS_REGION", "us-east-2")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"format": '{"ts":"%(asctime)s","level":"%(levelname)s","logger":"%(name)s","msg":"%(message)s"}'},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "INFO")},
}
