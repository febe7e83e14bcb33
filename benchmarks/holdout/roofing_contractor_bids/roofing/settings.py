"""Django settings for the roofing bids site (estimators, customers, crews)."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() == "true"  # ok: SEC006
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")  # ok: SEC005
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "storages",
    "estimates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "roofing.urls"
WSGI_APPLICATION = "roofing.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "roofing"),
        "USER": os.environ.get("POSTGRES_USER", "roofing"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}
REPORTING_DSN = os.environ.get("REPORTING_DSN", "dbname=roofing host=localhost connect_timeout=5")

CORS_ALLOWED_ORIGIN_REGEXES = [r"^https?://.*$"]  # expect: SEC013
CORS_ALLOW_CREDENTIALS = True

SESSION_COOKIE_SECURE = False  # expect: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"

STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": os.environ.get("PHOTO_BUCKET", "roofing-survey-photos"),
                    "default_acl": "private", "querystring_auth": True},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

PAYMENTS_API_URL = os.environ.get("PAYMENTS_API_URL", "https://api.payments.example.com/v1")
PAYMENTS_API_KEY = os.environ.get("PAYMENTS_API_KEY", "")
PAYMENTS_WEBHOOK_SECRET = os.environ.get("PAYMENTS_WEBHOOK_SECRET", "")
SUPPLIER_API_BASE = os.environ.get("SUPPLIER_API_BASE", "https://trade.roofsupply.example.com")
SUPPLIER_API_KEY = os.environ.get("SUPPLIER_API_KEY", "")
SUPPLIER_CA_BUNDLE = os.environ.get("SUPPLIER_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
SMS_API_URL = os.environ.get("SMS_API_URL", "https://sms.example.net/v1/send")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

USE_TZ = True
TIME_ZONE = "Europe/London"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
