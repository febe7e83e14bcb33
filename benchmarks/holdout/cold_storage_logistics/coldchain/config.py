"""Configuration loaded from the environment when the app or a worker starts."""
import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


@dataclass(frozen=True)
class Config:
    database_url: str
    secret_key: str
    s3_bucket: str = "coldchain-reports"
    aws_region: str = "us-east-1"
    pool_min: int = 2
    pool_max: int = 10
    db_connect_timeout_s: int = 5
    statement_timeout_ms: int = 15000
    alert_webhook_url: str = ""
    alert_timeout_s: float = 5.0
    gateway_hmac_secret: str = ""
    max_upload_bytes: int = 1 * 1024 * 1024
    session_hours: int = 8
    temp_limits_c: dict = field(default_factory=lambda: {"frozen": (-30.0, -18.0), "chilled": (0.0, 5.0)})

    @classmethod
    def from_env(cls) -> "Config":
        missing = [name for name in ("COLDCHAIN_DATABASE_URL", "COLDCHAIN_SECRET_KEY") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")
        return cls(
            database_url=os.environ["COLDCHAIN_DATABASE_URL"],
            secret_key=os.environ["COLDCHAIN_SECRET_KEY"],
            s3_bucket=os.environ.get("COLDCHAIN_S3_BUCKET", cls.s3_bucket),
            aws_region=os.environ.get("AWS_REGION", cls.aws_region),
            pool_min=_int("COLDCHAIN_POOL_MIN", cls.pool_min),
            pool_max=_int("COLDCHAIN_POOL_MAX", cls.pool_max),
            statement_timeout_ms=_int("COLDCHAIN_STATEMENT_TIMEOUT_MS", cls.statement_timeout_ms),
            alert_webhook_url=os.environ.get("COLDCHAIN_ALERT_WEBHOOK_URL", ""),
            alert_timeout_s=_float("COLDCHAIN_ALERT_TIMEOUT_S", cls.alert_timeout_s),
            gateway_hmac_secret=os.environ.get("COLDCHAIN_GATEWAY_HMAC_SECRET", ""),
            max_upload_bytes=_int("COLDCHAIN_MAX_UPLOAD_BYTES", cls.max_upload_bytes),
        )

    def temp_range(self, zone_kind: str) -> tuple:
        return self.temp_limits_c.get(zone_kind, self.temp_limits_c["chilled"])
