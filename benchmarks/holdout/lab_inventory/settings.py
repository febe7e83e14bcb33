import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "django-insecure-7w$k!r2q@lab-inv-9x0p^m3n5b&v8c1z4"  # expect: SEC005
DEBUG = True  # expect: SEC006
ALLOWED_HOSTS = os.environ.get("LAB_ALLOWED_HOSTS", "lab.example.org").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "inventory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # ok: SEC014
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("LAB_DB_NAME", "lab_inventory"),
        "USER": os.environ.get("LAB_DB_USER", "lab"),
        "PASSWORD": os.environ.get("LAB_DB_PASSWORD", ""),  # ok: SEC005
        "HOST": os.environ.get("LAB_DB_HOST", "localhost"),
        "PORT": os.environ.get("LAB_DB_PORT", "5432"),
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
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}

SESSION_COOKIE_SECURE = True  # ok: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AWS_STORAGE_BUCKET = os.environ.get("LAB_S3_BUCKET", "lab-inventory-docs")
AWS_REGION = os.environ.get("AWS_REGION", "eu-central-1")

SUPPLIER_API_URL = os.environ.get("LAB_SUPPLIER_API_URL", "https://api.chemsupply.example.com/v2")
SUPPLIER_API_KEY = os.environ.get("LAB_SUPPLIER_API_KEY", "")
LABEL_PRINTER = os.environ.get("LAB_LABEL_PRINTER", "zebra-lab-1")

REPORTING_DSN = os.environ.get("LAB_REPORTING_DSN", "dbname=lab_inventory user=lab_reader")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
