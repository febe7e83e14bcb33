import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "dj-cfp-2b!q8v_t4x@m0r$k7w^z1n&h6p*e3s"  # expect: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"  # expect: SEC006

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "cfp.example.org").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "cfp",
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

ROOT_URLCONF = "cfp.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "cfp"),
        "USER": os.environ.get("DB_USER", "cfp"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),  # ok: SEC005
        "HOST": os.environ.get("DB_HOST", "localhost"),
        "PORT": os.environ.get("DB_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

SESSION_COOKIE_SECURE = True  # ok: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "smtp.example.org")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "cfp@example.org")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = True
EMAIL_TIMEOUT = 15  # ok: REL001
DEFAULT_FROM_EMAIL = "Program Committee <cfp@example.org>"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/1")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 300

AWS_STORAGE_BUCKET = os.environ.get("CFP_BUCKET", "cfp-submissions")
AWS_REGION = os.environ.get("AWS_REGION", "eu-west-1")
PAYOUT_API_URL = os.environ.get("PAYOUT_API_URL", "https://payouts.example-bank.com")
PAYOUT_API_TOKEN = os.environ.get("PAYOUT_API_TOKEN", "")
FX_API_URL = os.environ.get("FX_API_URL", "https://fx.example-rates.com")
CDN_PURGE_URL = os.environ.get("CDN_PURGE_URL", "https://cdn.example.org/purge")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
USE_TZ = True
TIME_ZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
