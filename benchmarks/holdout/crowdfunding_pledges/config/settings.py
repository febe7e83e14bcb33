"""Django settings for the crowdfunding pledges service."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-7c!q2r$w9v@k1m#x8z0p3j5h6t4y&u^e*o(i)s-d=f+g"  # expect: SEC005
DEBUG = True  # expect: SEC006
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "pledges.example.org").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pledges",
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
        "NAME": os.environ.get("POSTGRES_DB", "pledges"),
        "USER": os.environ.get("POSTGRES_USER", "pledges"),
        "PASSWORD": os.environ["POSTGRES_PASSWORD"],  # ok: SEC005
        "HOST": os.environ.get("POSTGRES_HOST", "db"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://redis:6379/1")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "settle-ended-campaigns": {
        "task": "pledges.tasks.settle_ended_campaigns",
        "schedule": 300.0,
    },
    "pay-out-charged-campaigns": {
        "task": "pledges.tasks.pay_out_campaigns",
        "schedule": 900.0,
    },
}

STRIPE_SECRET_KEY = os.environ["STRIPE_SECRET_KEY"]  # ok: SEC005
STRIPE_WEBHOOK_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
STRIPE_CURRENCY = "usd"

FRAUD_API_URL = os.environ.get("FRAUD_API_URL", "https://api.riskcheck.example.com")
FRAUD_API_KEY = os.environ.get("FRAUD_API_KEY", "")
FRAUD_CA_BUNDLE = os.environ.get("FRAUD_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
FRAUD_BLOCK_THRESHOLD = float(os.environ.get("FRAUD_BLOCK_THRESHOLD", "0.85"))

KYC_API_URL = os.environ.get("KYC_API_URL", "https://kyc.example.com/api")
KYC_API_TOKEN = os.environ.get("KYC_API_TOKEN", "")

MIN_PLEDGE_CENTS = 100
PLATFORM_FEE_PERCENT = 5

SESSION_COOKIE_SECURE = False  # expect: SEC012
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "smtp.mailgun.org")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = True
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = "Pledges <no-reply@pledges.example.org>"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
