"""Settings for running the site on a laptop with ``manage.py runserver``.

Never used by the container image, which sets
DJANGO_SETTINGS_MODULE=gardenproject.settings.base.
"""
from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS, MIDDLEWARE

DEBUG = True  # ok: SEC006
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
CSRF_TRUSTED_ORIGINS = ["http://localhost:8000"]

# runserver speaks plain HTTP, so secure-only cookies would never be sent back.
SESSION_COOKIE_SECURE = False  # ok: SEC012
CSRF_COOKIE_SECURE = False

INSTALLED_APPS = INSTALLED_APPS + ["debug_toolbar", "django_extensions"]
MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware"] + MIDDLEWARE

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "garden_dev",
        "USER": "garden",
        "HOST": "localhost",
        "PORT": "5432",
        "OPTIONS": {"connect_timeout": 3},
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Mail is printed to the runserver console instead of leaving the machine.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery tasks run inline so no worker or broker is needed.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Plot documents go to a local MinIO started with `make minio`.
AWS_STORAGE_BUCKET_NAME = "garden-dev"
AWS_S3_ENDPOINT_URL = "http://localhost:9000"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.db.backends": {"handlers": ["console"], "level": "DEBUG", "propagate": False},
        "garden": {"handlers": ["console"], "level": "DEBUG"},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
