"""Django settings for the wine club shipments service."""
import os
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Missing required environment variable {name}")
    return value


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-q8v$2m!wz7@k3r^c0x9p#fh5t1e&n4y6b")  # expect: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() in ("1", "true", "yes")  # expect: SEC006
ALLOWED_HOSTS = [h.strip() for h in _env("DJANGO_ALLOWED_HOSTS", "localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "club",
    "shipments",
    "gifts",
    "inventory",
    "events",
    "tracking",
    "notifications",
]

MIDDLEWARE = [
    "wineclub.request_context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wineclub.urls"
WSGI_APPLICATION = "wineclub.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _env("POSTGRES_DB", "wineclub"),
        "USER": _env("POSTGRES_USER", "wineclub"),
        "PASSWORD": _env("POSTGRES_PASSWORD"),
        "HOST": _env("POSTGRES_HOST", "db"),
        "PORT": _env("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

SESSION_COOKIE_SECURE = True  # ok: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
}

CELERY_BROKER_URL = _env("CELERY_BROKER_URL", "redis://redis:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "quarterly-charges": {
        "task": "shipments.quarterly_billing.enqueue_quarterly_charges",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
    },
}

STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY")
CARRIER_API_BASE = _env("CARRIER_API_BASE", "https://api.parcelline.example/v2")
CARRIER_API_TOKEN = _env("CARRIER_API_TOKEN")
CARRIER_WEBHOOK_SECRET = _env("CARRIER_WEBHOOK_SECRET")
AWS_SES_REGION = _env("AWS_SES_REGION", "us-west-2")
CLUB_FROM_EMAIL = _env("CLUB_FROM_EMAIL", "cellar@vinecrest-club.example")

TIME_ZONE = "America/Los_Angeles"
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "wineclub.request_context.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
