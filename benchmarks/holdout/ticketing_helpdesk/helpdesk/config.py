import os


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise RuntimeError(f"{name} must be an integer") from None


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # ok: SEC005
    DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://helpdesk@localhost:5432/helpdesk")
    DEBUG = os.environ.get("FLASK_DEBUG", "0") == "1"  # ok: SEC006
    TESTING = False

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True  # ok: SEC012
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 7

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # ok: SEC019
    ATTACHMENT_ROOT = os.environ.get("ATTACHMENT_ROOT", "/data/attachments")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "/tmp/helpdesk-uploads")
    ALLOWED_ATTACHMENT_EXT = {"png", "jpg", "jpeg", "gif", "pdf", "txt", "log", "csv", "zip", "docx", "xlsx"}

    IMAP_HOST = os.environ.get("IMAP_HOST", "imap.acme-support.example.com")
    IMAP_USER = os.environ.get("IMAP_USER", "support@acme-support.example.com")
    IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
    SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.acme-support.example.com")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SUPPORT_ADDRESS = os.environ.get("SUPPORT_ADDRESS", "support@acme-support.example.com")

    SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
    EXPORT_MAX_DAYS = _int("EXPORT_MAX_DAYS", 93)

    @classmethod
    def validate(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not getattr(cls, name)]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")
        if not cls.TESTING and not cls.SLACK_SIGNING_SECRET:
            raise RuntimeError("SLACK_SIGNING_SECRET must be set outside tests")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret"  # ok: SEC005
    DATABASE_URL = "sqlite+pysqlite:///:memory:"
    SESSION_COOKIE_SECURE = False  # ok: SEC012
    WTF_CSRF_ENABLED = False  # ok: SEC014
