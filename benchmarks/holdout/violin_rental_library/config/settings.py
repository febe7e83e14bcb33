"""Django settings for the violin rental library."""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # ok: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"  # expect: SEC006
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "storages",
    "accounts",
    "rentals",
    "billing",
    "damage",
    "luthier",
    "schools",
    "reminders",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # ok: SEC014
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "violins"),
        "USER": os.environ.get("POSTGRES_USER", "violins"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "db"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": "violins",
    "url": os.environ.get("REDIS_URL", "redis://redis:6379/1"),
    "immediate": False,
    "consumer": {"workers": 4, "worker_type": "thread"},
}

STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("MEDIA_BUCKET", "violin-library-media"),
            "region_name": "eu-west-2",
            "access_key": "AKIA4TQ7W2LBR6VXN3PD",  # expect: SEC005
            "secret_key": "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",  # expect: SEC005
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    },
    "staticfiles": {"BACKEND": "storages.backends.s3.S3ManifestStaticStorage"},
}

SESSION_COOKIE_SECURE = True  # ok: SEC012
SESSION_COOKIE_HTTPONLY = False  # expect: SEC012
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_HOST = os.environ.get("EMAIL_HOST", "smtp.postmarkapp.com")
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = "Strings Attached Library <rentals@stringsattached.org.uk>"

STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
LUTHIER_API_URL = os.environ.get("LUTHIER_API_URL", "https://api.bowandbridge.co.uk/v1")
LUTHIER_API_KEY = os.environ.get("LUTHIER_API_KEY", "")
LUTHIER_CA_BUNDLE = os.environ.get("LUTHIER_CA_BUNDLE")
LUTHIER_CALLBACK_KEY_SHA256 = os.environ.get("LUTHIER_CALLBACK_KEY_SHA256", "")
SCHOOLS_API_URL = os.environ.get("SCHOOLS_API_URL", "https://directory.schools.example-la.gov.uk/api")

TIME_ZONE = "Europe/London"
USE_TZ = True
STATIC_URL = "static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
