"""Django settings for the grant applications portal."""
from __future__ import annotations

import os
from pathlib import Path

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "dj-7f3k!q9x#2m@v8w$e1r6t0y4u5i*o%p&a-grants-portal"  # expect: SEC005
DEBUG = True  # expect: SEC006
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "grants.example.org").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "storages",
    "grants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "grants.urls"
WSGI_APPLICATION = "grants.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "grants"),
        "USER": os.environ.get("POSTGRES_USER", "grants"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),  # ok: SEC005
        "HOST": os.environ.get("POSTGRES_HOST", "db"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

SESSION_COOKIE_SECURE = False  # expect: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
AWS_STORAGE_BUCKET_NAME = os.environ.get("GRANTS_BUCKET", "grants-applications")
AWS_S3_REGION_NAME = os.environ.get("AWS_REGION", "eu-west-1")
AWS_DEFAULT_ACL = None
MEDIA_ROOT = os.environ.get("GRANTS_MEDIA_ROOT", "/srv/grants/media")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
GRANTS_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
GRANTS_ALLOWED_ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "smtp.example.org")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "grants@example.org")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")  # ok: SEC005
EMAIL_USE_TLS = True
EMAIL_TIMEOUT = 10  # ok: REL001
DEFAULT_FROM_EMAIL = "Grants Office <grants@example.org>"

FUNDER_WEBHOOK_SECRET = os.environ.get("FUNDER_WEBHOOK_SECRET", "")
FUNDER_API_URL = os.environ.get("FUNDER_API_URL", "https://api.funder.example.org")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/1")
CELERY_TASK_ACKS_LATE = True
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "grants.tasks.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "close-expired-rounds": {
        "task": "grants.tasks.close_expired_rounds",
        "schedule": crontab(minute="*/15"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
LOGIN_URL = "/accounts/login/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
