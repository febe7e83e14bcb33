import logging
import os
from dataclasses import dataclass

from flask import g, has_request_context


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    stripe_api_key: str
    stripe_webhook_secret: str
    ses_region: str
    receipt_sender: str
    charity_name: str
    charity_number: str
    session_cookie_secure: bool = True
    max_content_length: int = 2 * 1024 * 1024


def _secret(name):
    """Reads NAME from the environment, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            value = fh.read().strip()
    else:
        value = os.environ.get(name, "")  # ok: SEC005
    if not value:
        raise RuntimeError(f"{name} is not configured")
    return value


def load_settings():
    return Settings(
        database_url=_secret("DATABASE_URL"),
        secret_key=_secret("FLASK_SECRET_KEY"),
        stripe_api_key=_secret("STRIPE_API_KEY"),
        stripe_webhook_secret=_secret("STRIPE_WEBHOOK_SECRET"),
        ses_region=os.environ.get("SES_REGION", "eu-west-2"),
        receipt_sender=os.environ.get("RECEIPT_SENDER", "Riverside Trust <receipts@riversidetrust.org.uk>"),
        charity_name=os.environ.get("CHARITY_NAME", "Riverside Trust"),
        charity_number=os.environ.get("CHARITY_NUMBER", "1180042"),
        session_cookie_secure=os.environ.get("SESSION_COOKIE_SECURE", "1") != "0",  # ok: SEC012
    )


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(level=None):
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s rid=%(request_id)s %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
