"""Django settings for the municipal permits portal."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "k3v!r9#permits-portal-2f8q@x1m$z7w0c5t%e6b4n")  # expect: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() == "true"  # ok: SEC006
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "permits.cityofbrookvale.gov")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "https://permits.cityofbrookvale.gov")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "permits",
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

ROOT_URLCONF = "civic.urls"
WSGI_APPLICATION = "civic.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "permits"),
        "USER": os.environ.get("POSTGRES_USER", "permits"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
}

MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media"))
DOCUMENTS_BUCKET = os.environ.get("PERMITS_DOCUMENTS_BUCKET", "brookvale-permit-documents")
LETTERS_BUCKET = os.environ.get("PERMITS_LETTERS_BUCKET", "brookvale-decision-letters")
AWS_REGION = os.environ.get("AWS_REGION", "us-east-2")

EMAIL_HOST = os.environ.get("SMTP_HOST", "smtp.cityofbrookvale.gov")
EMAIL_PORT = int(os.environ.get("SMTP_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("SMTP_USER", "permits-noreply")
EMAIL_HOST_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = "Brookvale Permits Office <permits-noreply@cityofbrookvale.gov>"

PAYMENT_GATEWAY = {
    "base_url": os.environ.get("PAYMENT_GATEWAY_URL", "https://api.govpay.example"),
    "key": os.environ.get("PAYMENT_GATEWAY_KEY", ""),
}
GIS_VENDOR = {
    "base_url": os.environ.get("GIS_VENDOR_URL", "https://gis.parcelview.example/api"),
    "token": os.environ.get("GIS_VENDOR_TOKEN", ""),
    "webhook_secret": os.environ.get("GIS_WEBHOOK_SECRET", ""),
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
