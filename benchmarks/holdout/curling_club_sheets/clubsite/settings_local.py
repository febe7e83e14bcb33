"""Settings for running the club site on a laptop.

Usage: DJANGO_SETTINGS_MODULE=clubsite.settings_local python manage.py runserver
The Kubernetes manifests point at clubsite.settings, never at this module.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-dev-only-not-a-secret")  # ok: SEC005
os.environ.setdefault("POSTGRES_PASSWORD", "curling")  # ok: SEC005
os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_local_placeholder")  # ok: SEC005
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_local_placeholder")

from .settings import *  # noqa: E402,F401,F403
from .settings import INSTALLED_APPS, LOGGING, MIDDLEWARE  # noqa: E402

DEBUG = True  # ok: SEC006
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

CORS_ALLOWED_ORIGIN_REGEXES = []
CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]
CSRF_TRUSTED_ORIGINS = ["http://localhost:5173"]

# runserver speaks plain HTTP
SESSION_COOKIE_SECURE = False  # ok: SEC012
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

INSTALLED_APPS = INSTALLED_APPS + ["debug_toolbar"]
MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware"] + MIDDLEWARE
INTERNAL_IPS = ["127.0.0.1"]

LOGGING = {
    **LOGGING,
    "loggers": {
        "django.db.backends": {"level": "DEBUG" if os.environ.get("SQL_ECHO") else "INFO"},
    },
}
