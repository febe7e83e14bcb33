"""Django settings for the admin portal, read from the environment of the deployment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # ok: SEC005
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"  # ok: SEC006
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "portal.example.com")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "portal",
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

ROOT_URLCONF = "portal_site.urls"
WSGI_APPLICATION = "portal_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PORTAL_DB_NAME", "portal"),
        "USER": os.environ.get("PORTAL_DB_USER", "portal"),
        "PASSWORD": os.environ["PORTAL_DB_PASSWORD"],  # ok: SEC005
        "HOST": os.environ.get("PORTAL_DB_HOST", "localhost"),
        "PORT": os.environ.get("PORTAL_DB_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

SESSION_COOKIE_SECURE = True  # ok: SEC012
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = not DEBUG
SECURE_HSTS_SECONDS = 31536000

CORS_ALLOWED_ORIGINS = _env_list("PORTAL_CORS_ORIGINS", "https://portal.example.com")
CORS_ALLOW_CREDENTIALS = True  # ok: SEC013

SIEM_WEBHOOK_SECRET = os.environ["SIEM_WEBHOOK_SECRET"]  # ok: SEC005
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
TIME_ZONE = "UTC"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
