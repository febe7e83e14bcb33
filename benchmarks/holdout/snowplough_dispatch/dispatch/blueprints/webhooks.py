"""Inbound weather-alert webhook from the road weather forecasting provider."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from datetime import datetime

from sanic import Blueprint
from sanic.exceptions import BadRequest, Unauthorized
from sanic.response import json

from dispatch.models import WeatherAlert
from dispatch.tasks.alert_dispatch import dispatch_alert

logger = logging.getLogger(__name__)

bp = Blueprint("webhooks", url_prefix="/webhooks")

ACTIONABLE_SEVERITIES = {"amber", "red"}


def _valid_signature(secret: str, body: bytes, signature: str | None) -> bool:
    if not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _parse_alert(data: dict) -> dict:
    try:
        return {
            "external_id": str(data["id"]),
            "severity": str(data["severity"]).lower(),
            "area": str(data["area"]),
            "valid_from": datetime.fromisoformat(data["valid_from"]),
            "valid_to": datetime.fromisoformat(data["valid_to"]),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest(f"malformed alert: {exc}") from exc


@bp.post("/weather-alerts")
async def weather_alert(request):
    settings = request.app.ctx.settings
    logger.info("weather alert received, headers=%s", dict(request.headers))  # expect: SEC007

    signature = request.headers.get("X-Signature-SHA256")
    if not _valid_signature(settings.weather_webhook_secret, request.body, signature):
        raise Unauthorized("bad signature")

    fields = _parse_alert(request.json or {})
    alert, created = await WeatherAlert.get_or_create(  # ok: DB005
        external_id=fields.pop("external_id"), defaults=fields
    )
    if not created:
        logger.info("alert %s already recorded", alert.external_id)
        return json({"status": "duplicate", "alert_id": alert.id})

    if alert.severity in ACTIONABLE_SEVERITIES:
        asyncio.create_task(dispatch_alert(alert.id))  # expect: REL005
        logger.info("alert %s (%s, %s) queued for dispatch", alert.id, alert.severity, alert.area)
    return json({"status": "accepted", "alert_id": alert.id}, status=202)


@bp.get("/weather-alerts/ping")
async def ping(request):
    """Connectivity check the provider calls when the webhook is registered."""
    return json({"status": "ok"})
