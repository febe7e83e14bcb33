"""Django settings for the content CMS."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "q8v2mx7kp4z9wd1r6t0y3u5i8o2e7n4b6c1a9s0fj3h5"  # expect: SEC005
DEBUG = True  # expect: SEC006
ALLOWED_HOSTS = ["cms.example.org", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "storages",
    "cms",
]

MIDDLEWARE = [  # expect: SEC014
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cms_site.urls"
WSGI_APPLICATION = "cms_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "cms",
        "USER": "cms_owner",
        "PASSWORD": "Cms-0wner-2024!",  # expect: SEC005
        "HOST": "cms-db.internal",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }
}

AUTH_PASSWORD_VALIDATORS = [  # ok: SEC005
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_COOKIE_SECURE = False  # expect: SEC012
SESSION_COOKIE_HTTPONLY = False  # expect: SEC012
SESSION_COOKIE_AGE = 14 * 24 * 3600

CORS_ALLOW_ALL_ORIGINS = True  # expect: SEC013
CORS_ALLOW_CREDENTIALS = True

STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = "cms-media-prod"
AWS_S3_REGION_NAME = "eu-central-1"
AWS_SECRET_ACCESS_KEY = "h3Yq9Lk2VbT8xR5mN1pZ7cW4eJ6uA0sD9fG2kL5q"  # expect: SEC005

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
