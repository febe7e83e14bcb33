"""Django settings for the reports project in production, read from the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # ok: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"  # ok: SEC006
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "reports.acme.example").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "storages",
    "reports",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "reports_project.urls"
WSGI_APPLICATION = "reports_project.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "reports"),
        "USER": os.environ.get("POSTGRES_USER", "reports"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),  # ok: SEC005
        "HOST": os.environ.get("POSTGRES_HOST", "db"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

CORS_ALLOWED_ORIGINS = ["https://app.acme.example", "https://admin.acme.example"]  # ok: SEC013
CORS_ALLOW_CREDENTIALS = True

SESSION_COOKIE_SECURE = True  # ok: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
AWS_STORAGE_BUCKET_NAME = os.environ.get("REPORTS_BUCKET", "acme-reports")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
