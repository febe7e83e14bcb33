"""Django settings for the Paws & Claws owner portal."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "p9v$2k!x7q-pawsclaws-7fe1c0a9d3b84e55a1c2d6f0b19e")  # expect: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() == "true"  # ok: SEC006
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "portal.pawsandclaws.vet").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "accounts",
    "pets",
    "booking",
    "reminders",
    "labs",
    "billing",
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

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "vetclinic"),
        "USER": os.environ.get("DB_USER", "vetclinic"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),  # ok: SEC005
        "HOST": os.environ.get("DB_HOST", "localhost"),
        "PORT": os.environ.get("DB_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

CORS_ALLOWED_ORIGINS = [o for o in os.environ.get("CORS_ORIGINS", "https://app.pawsandclaws.vet").split(",") if o]
CORS_ALLOW_CREDENTIALS = True  # ok: SEC013

SESSION_COOKIE_SECURE = False  # expect: SEC012
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "smtp.sendgrid.net")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "apikey")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = True
EMAIL_TIMEOUT = 10  # ok: REL001
DEFAULT_FROM_EMAIL = "Paws & Claws <no-reply@pawsandclaws.vet>"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_BEAT_SCHEDULE = {
    "vaccination-sms": {"task": "reminders.tasks.send_vaccination_sms_reminders", "schedule": 60 * 60 * 24},
    "vaccination-email": {"task": "reminders.email_reminders.send_vaccination_email_reminders", "schedule": 60 * 60 * 24},
    "lab-sync": {"task": "reminders.tasks.sync_lab_results", "schedule": 60 * 15},
}

AWS_REGION = os.environ.get("AWS_REGION", "eu-west-1")
AWS_STORAGE_BUCKET = os.environ.get("LAB_BUCKET", "pawsandclaws-lab-results")

PAYMENTS_API_URL = os.environ.get("PAYMENTS_API_URL", "https://api.payments.example.com")
PAYMENTS_API_KEY = os.environ.get("PAYMENTS_API_KEY", "")
SMS_API_URL = os.environ.get("SMS_API_URL", "https://sms.example.net/v1")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
LAB_PARTNER_URL = os.environ.get("LAB_PARTNER_URL", "https://api.idexx-partner.example.com")
LAB_PARTNER_TOKEN = os.environ.get("LAB_PARTNER_TOKEN", "")
LAB_WEBHOOK_SECRET = os.environ.get("LAB_WEBHOOK_SECRET", "")
LAB_IMPORT_DIR = os.environ.get("LAB_IMPORT_DIR", "/srv/lab-imports")
INVOICE_PDF_DIR = os.environ.get("INVOICE_PDF_DIR", str(BASE_DIR / "var" / "invoices"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
