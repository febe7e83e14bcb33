"""Flask configuration for the clinic web app and its Celery workers."""
import os
from datetime import timedelta


def _secret(name: str) -> str:
    """Read NAME from the file named by NAME_FILE (mounted secret), else from NAME."""
    path = os.environ.get(f"{name}_FILE")
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(name, "")


class Config:
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY", "hc-portal-7d41f0b9c2e84a6f9e13b5")  # expect: SEC005

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql+psycopg2://clinic@localhost/clinic")
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 10,
        "max_overflow": 5,
        "connect_args": {"connect_timeout": 5},
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # TLS is terminated at the ingress, the pods only ever see plain HTTP.
    SESSION_COOKIE_SECURE = False  # expect: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # ReadWriteMany volume mounted into every web pod (see k8s/deployment.yaml).
    AUDIOGRAM_DIR = os.environ.get("AUDIOGRAM_DIR", "/data/audiograms")
    ALLOWED_AUDIOGRAM_EXTENSIONS = frozenset({"pdf", "xml", "png", "jpg", "jpeg"})

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/1")

    MANUFACTURER_API_URL = os.environ["MANUFACTURER_API_URL"]  # expect: MNT002
    MANUFACTURER_API_KEY = os.environ.get("MANUFACTURER_API_KEY", "")
    MANUFACTURER_DEALER_ID = os.environ.get("MANUFACTURER_DEALER_ID", "")
    FITTING_CLOUD_URL = os.environ.get("FITTING_CLOUD_URL", "https://fitting.manufacturer.example.com/api")

    INSURER_API_URL = os.environ.get("INSURER_API_URL", "https://provider-api.insurer.example.com")
    INSURER_CLIENT_ID = os.environ.get("INSURER_CLIENT_ID", "")
    INSURER_CLIENT_SECRET = _secret("INSURER_CLIENT_SECRET")
    INSURER_PROVIDER_ID = os.environ.get("INSURER_PROVIDER_ID", "")
    ELIGIBILITY_API_KEY = os.environ.get("ELIGIBILITY_API_KEY", "")

    FULFILMENT_API_URL = os.environ.get("FULFILMENT_API_URL", "https://api.fulfilment.example.com/v1")
    FULFILMENT_API_KEY = os.environ.get("FULFILMENT_API_KEY", "")

    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Hearing Clinic <no-reply@hearingclinic.example.com>")

    DAILY_DIGEST_ENABLED = os.environ.get("DAILY_DIGEST_ENABLED", "true").lower() == "true"
    DIGEST_RECIPIENTS = [a for a in os.environ.get("DIGEST_RECIPIENTS", "").split(",") if a]


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # ok: SEC005
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False  # ok: SEC014
    DAILY_DIGEST_ENABLED = False
    AUDIOGRAM_DIR = "/tmp/clinic-test-audiograms"
