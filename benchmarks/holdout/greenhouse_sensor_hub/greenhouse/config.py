"""Runtime settings for the hub, read once at start-up."""
from __future__ import annotations

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


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str
    mqtt_host: str
    mqtt_port: int
    mqtt_username: str
    mqtt_password: str
    mqtt_ca_file: str
    valve_gateway_url: str
    sms_api_url: str
    sms_api_token: str
    weather_api_url: str
    shared_media_dir: str
    session_ttl_seconds: int
    max_upload_bytes: int
    dashboard_origins: list[str] = field(default_factory=list)
    poll_interval_seconds: int = 15

    @classmethod
    def from_env(cls) -> "Settings":
        settings = cls(
            database_url=os.environ.get("DATABASE_URL", "postgresql+asyncpg://hub@localhost:5432/hub"),
            mqtt_host=os.environ.get("MQTT_HOST", "localhost"),
            mqtt_port=_int("MQTT_PORT", 8883),
            mqtt_username=os.environ.get("MQTT_USERNAME", "hub"),
            mqtt_password=os.environ.get("MQTT_PASSWORD", ""),
            mqtt_ca_file=os.environ.get("MQTT_CA_FILE", "/etc/hub/mqtt-ca.pem"),
            valve_gateway_url=os.environ.get("VALVE_GATEWAY_URL", "http://valve-gateway.local:8081"),
            sms_api_url=os.environ.get("SMS_API_URL", "https://api.textlocal.example/v2/send"),
            sms_api_token=os.environ.get("SMS_API_TOKEN", ""),
            weather_api_url=os.environ.get("WEATHER_API_URL", "https://api.open-meteo.com/v1/forecast"),
            shared_media_dir=os.environ.get("SHARED_MEDIA_DIR", "/srv/shared/media"),
            session_ttl_seconds=_int("SESSION_TTL_SECONDS", 8 * 3600),
            max_upload_bytes=_int("MAX_UPLOAD_BYTES", 8 * 1024 * 1024),
            dashboard_origins=_list("DASHBOARD_ORIGINS"),
            poll_interval_seconds=_int("POLL_INTERVAL_SECONDS", 15),
        )
        if settings.poll_interval_seconds < 5:
            raise RuntimeError("POLL_INTERVAL_SECONDS below 5 would flood the sensor bus")
        return settings
