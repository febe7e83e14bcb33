"""Django settings for the landlord screening portal."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-7r#q@k2m!v9x0w$e5l1n8p3s6u4y&z*b")  # expect: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"  # expect: SEC006
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_rq",
    "storages",
    "screening.apps.ScreeningConfig",
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

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "screening"),
        "USER": os.environ.get("POSTGRES_USER", "screening"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}

SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_COOKIE_SECURE = False  # expect: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
}

DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
AWS_STORAGE_BUCKET_NAME = os.environ.get("REPORT_BUCKET", "screening-reports")
REPORT_BUCKET = AWS_STORAGE_BUCKET_NAME
REPORT_ARCHIVE_DIR = os.environ.get("REPORT_ARCHIVE_DIR", "/srv/screening/reports")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

BUREAU_BASE_URL = os.environ.get("BUREAU_BASE_URL", "https://api.bureau-one.example/v3")
BUREAU_CLIENT_ID = os.environ.get("BUREAU_CLIENT_ID", "")
BUREAU_CLIENT_SECRET = os.environ.get("BUREAU_CLIENT_SECRET", "")
BUREAU_WEBHOOK_SECRET = os.environ.get("BUREAU_WEBHOOK_SECRET", "")
EVICTIONS_WEBHOOK_SECRET = os.environ.get("EVICTIONS_WEBHOOK_SECRET", "")
CREDITLINE_URL = os.environ.get("CREDITLINE_URL", "https://gateway.creditline.example")
CREDITLINE_API_KEY = os.environ.get("CREDITLINE_API_KEY", "")

DEFAULT_FROM_EMAIL = "reports@keyscreen.example"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_TIMEOUT = 10
SITE_URL = os.environ.get("SITE_URL", "https://app.keyscreen.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
