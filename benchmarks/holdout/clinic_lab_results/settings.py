"""Django settings for the lab results service."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "dj-7f#q2v!x9k$3m@p8w^t1r&z0b5n6c4y-labresults-prod"  # expect: SEC005
DEBUG = True  # expect: SEC006
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "results.northside-clinic.org").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "clinic_lab_results",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clinic_lab_results.urls"
WSGI_APPLICATION = "clinic_lab_results.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "labresults"),
        "USER": os.environ.get("POSTGRES_USER", "labresults"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "db"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

CORS_ALLOW_ALL_ORIGINS = True  # expect: SEC013
CORS_ALLOW_CREDENTIALS = True

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 300

SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.textgate.io/v1")
SMS_API_TOKEN = os.environ.get("SMS_API_TOKEN", "")
LAB_FEED_URL = os.environ.get("LAB_FEED_URL", "https://feeds.metrolab-diagnostics.com/hl7")
LAB_FEED_USER = os.environ.get("LAB_FEED_USER", "")
LAB_FEED_PASSWORD = os.environ.get("LAB_FEED_PASSWORD", "")

REPORT_DIR = os.environ.get("REPORT_DIR", "/var/lib/labresults/reports")
REPORTS_BUCKET = os.environ.get("REPORTS_BUCKET", "northside-lab-reports")
AWS_REGION = os.environ.get("AWS_REGION", "eu-west-1")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
TIME_ZONE = "Europe/London"
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
