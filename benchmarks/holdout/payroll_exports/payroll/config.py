"""Configuration: non-secret settings from config.yaml, secrets from the environment."""
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = Path(os.environ.get("PAYROLL_CONFIG", "/etc/payroll/config.yaml"))


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    database_dsn: str
    db_pool_max: int
    s3_bucket: str
    s3_prefix: str
    aws_region: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    mail_from: str
    bank_api_url: str
    bank_api_token: str
    bank_timeout_seconds: float
    export_workers: int
    max_upload_bytes: int
    allowed_export_formats: tuple = field(default=("csv", "xlsx"))


def _require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"environment variable {name} is required")
    return value


def load_config(path: Path = DEFAULT_CONFIG_PATH) -> Config:
    try:
        with path.open("r", encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}  # ok: SEC004
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found") from exc

    db = raw.get("database", {})
    storage = raw.get("storage", {})
    mail = raw.get("mail", {})
    bank = raw.get("bank", {})
    exports = raw.get("exports", {})

    dsn = (
        f"host={db.get('host', 'localhost')} port={db.get('port', 5432)} "
        f"dbname={db.get('name', 'payroll')} user={db.get('user', 'payroll')} "
        f"password={_require_env('PAYROLL_DB_PASSWORD')} "  # ok: SEC005
        f"connect_timeout={db.get('connect_timeout', 5)} sslmode={db.get('sslmode', 'require')}"
    )
    config = Config(
        database_dsn=dsn,
        db_pool_max=int(db.get("pool_max", 10)),
        s3_bucket=storage["bucket"],
        s3_prefix=storage.get("prefix", "payslips/"),
        aws_region=storage.get("region", "eu-west-1"),
        smtp_host=mail.get("host", "localhost"),
        smtp_port=int(mail.get("port", 587)),
        smtp_user=mail.get("user", ""),
        smtp_password=os.environ.get("PAYROLL_SMTP_PASSWORD", ""),
        mail_from=mail.get("from", "payroll@example.com"),
        bank_api_url=bank["url"],
        bank_api_token=_require_env("PAYROLL_BANK_TOKEN"),
        bank_timeout_seconds=float(bank.get("timeout_seconds", 15)),
        export_workers=int(exports.get("workers", 4)),
        max_upload_bytes=int(raw.get("max_upload_mb", 10)) * 1024 * 1024,
    )
    logger.info(
        "config loaded from %s (db host %s, bucket %s)",
        path,
        db.get("host", "localhost"),
        config.s3_bucket,
    )
    return config
