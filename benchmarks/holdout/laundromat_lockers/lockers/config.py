"""Settings: defaults, then /etc/lockers/config.yaml, then environment variables."""
import logging
import os
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

CONFIG_PATH = Path(os.environ.get("LOCKERS_CONFIG", "/etc/lockers/config.yaml"))

DEFAULTS = {
    "database_url": "postgresql://lockers@localhost:5432/lockers",
    "db_pool_size": 10,
    "redis_url": "redis://localhost:6379/0",
    "mqtt_host": "mqtt.internal",
    "mqtt_port": 8883,
    "mqtt_user": "ingest",
    "vendor_base_url": "https://api.lockvault.example/v3",
    "vendor_timeout": 8,
    "psp_base_url": "https://api.psp.example/v1",
    "receipts_bucket": "lockers-receipts",
    "photos_bucket": "lockers-dropoff-photos",
    "max_photo_bytes": 8 * 1024 * 1024,
    "pickup_code_ttl_hours": 72,
    "cycle_price_cents": {"wash": 450, "dry": 300, "wash_dry_fold": 1800},
}

ENV_OVERRIDES = {
    "DATABASE_URL": "database_url",
    "REDIS_URL": "redis_url",
    "MQTT_HOST": "mqtt_host",
    "VENDOR_BASE_URL": "vendor_base_url",
    "PSP_BASE_URL": "psp_base_url",
}

SECRETS = {
    "vendor_api_key": os.environ.get("LOCKVAULT_API_KEY", ""),
    "psp_api_key": os.environ.get("PSP_API_KEY", ""),  # ok: SEC005
    "mqtt_password": os.environ.get("MQTT_PASSWORD", "qT7!vR2m#Lw9"),  # expect: SEC005
    "pickup_code_key": os.environ.get("PICKUP_CODE_KEY", ""),
    "telemetry_hmac_key": os.environ.get("TELEMETRY_HMAC_KEY", ""),
}


def _load() -> dict:
    settings = dict(DEFAULTS)
    if CONFIG_PATH.exists():
        with CONFIG_PATH.open() as fh:
            settings.update(yaml.safe_load(fh) or {})  # ok: SEC004
    for env_name, key in ENV_OVERRIDES.items():
        if env_name in os.environ:
            settings[key] = os.environ[env_name]
    settings.update({k: v for k, v in SECRETS.items() if v})
    missing = [k for k in ("vendor_api_key", "psp_api_key", "pickup_code_key") if not settings.get(k)]
    if missing:
        log.warning("settings missing values for %s", ", ".join(missing))
    return settings


_settings = _load()


def current() -> dict:
    return _settings


def apply_overrides(overrides: dict) -> dict:
    """Operators can tune prices and timeouts from the dashboard without a redeploy."""
    global _settings
    allowed = {"cycle_price_cents", "vendor_timeout", "pickup_code_ttl_hours"}
    changes = {k: v for k, v in overrides.items() if k in allowed}
    _settings = {**_settings, **changes}  # expect: MNT002, SCL001
    log.info("settings overridden: %s", sorted(changes))
    return _settings
