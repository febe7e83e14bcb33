"""Django settings for the piano tuning dispatch service.

Everything environment-specific comes from the environment; the defaults below
are what a developer laptop needs to boot against the docker-compose stack.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # ok: MNT002
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"  # ok: SEC006
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "localhost")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "corsheaders",
    "scheduling",
    "billing",
    "notifications",
    "accounts",
]

MIDDLEWARE = [
    "dispatch.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "dispatch.urls"
WSGI_APPLICATION = "dispatch.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "tuning"),
        "USER": os.environ.get("POSTGRES_USER", "tuning"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://localhost:6379/1"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "smtp.mailgun.org")
EMAIL_PORT = 587
EMAIL_HOST_USER = "postmaster@mg.pianodispatch.com"
EMAIL_HOST_PASSWORD = "8c1f4e2a9b7d3c5e6f0a1b2c3d4e5f6a-7d9e2c1b-5a6f"  # expect: SEC005
EMAIL_USE_TLS = True
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = "Piano Dispatch <bookings@pianodispatch.com>"

CORS_ALLOWED_ORIGINS = ["https://book.pianodispatch.com", "https://tech.pianodispatch.com"]
CORS_ALLOW_CREDENTIALS = True  # ok: SEC013

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_TASK_ACKS_LATE = True

PAYMENTS = {
    "BASE_URL": os.environ.get("PAYMENTS_BASE_URL", "https://api.sandbox.payrail.io"),
    "API_KEY": os.environ.get("PAYMENTS_API_KEY", ""),
    "WEBHOOK_SECRET": os.environ.get("PAYMENTS_WEBHOOK_SECRET", ""),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dispatch.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

TIME_ZONE = "America/Chicago"
USE_TZ = True
