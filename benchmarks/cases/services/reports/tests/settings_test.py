"""Django settings used by the reports test suite."""
from reports_project.production_settings import *  # noqa: F401,F403

SECRET_KEY = "test-only-secret-key-for-pytest-django"  # ok: SEC005
DEBUG = True  # ok: SEC006
ALLOWED_HOSTS = ["testserver", "localhost"]
SESSION_COOKIE_SECURE = False  # ok: SEC012
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_PROXY_SSL_HEADER = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # ok: SEC009

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reports-tests",
    }
}

DEFAULT_FILE_STORAGE = "django.core.files.storage.InMemoryStorage"
AWS_STORAGE_BUCKET_NAME = "reports-test-bucket"
WAREHOUSE_WEBHOOK_SECRET = "whsec-test-warehouse"  # ok: SEC005

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": True}
