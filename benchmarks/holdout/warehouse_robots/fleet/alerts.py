import asyncio
import logging
import random

import httpx

from fleet.settings import get_settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
SEVERITIES = ("info", "warning", "critical")


class AlertClient:
    """Raises and resolves robot alerts in the monitoring API."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str):
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token

    async def _send(self, path: str, payload: dict, dedup_key: str) -> bool:
        headers = {"Authorization": f"Bearer {self._token}", "X-Dedup-Key": dedup_key}  # ok: REL003
        for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
            try:
                resp = await self._http.post(f"{self._base}{path}", json=payload, headers=headers, timeout=5.0)  # ok: REL001
            except httpx.TransportError:
                logger.warning("alert API unreachable for %s (attempt %d)", dedup_key, attempt, exc_info=True)
            else:
                if resp.status_code < 500:
                    resp.raise_for_status()
                    return True
                logger.warning("alert API returned %s for %s (attempt %d)", resp.status_code, dedup_key, attempt)
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(min(8.0, 0.5 * 2 ** attempt) + random.uniform(0, 0.25))  # ok: SEC010
        logger.error("giving up on alert %s after %d attempts", dedup_key, MAX_ATTEMPTS)
        return False

    async def fire(self, robot_id: str, kind: str, message: str, severity: str = "warning") -> bool:
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        dedup_key = f"fleet:{robot_id}:{kind}"
        payload = {
            "source": "fleet-api",
            "resource": f"robot/{robot_id}",
            "kind": kind,
            "severity": severity,
            "message": message[:500],
        }
        return await self._send("/alerts", payload, dedup_key)

    async def resolve(self, robot_id: str, kind: str) -> bool:
        dedup_key = f"fleet:{robot_id}:{kind}"
        return await self._send("/alerts/resolve", {"resource": f"robot/{robot_id}", "kind": kind}, dedup_key)


def build_alert_client(state) -> AlertClient:
    settings = get_settings()
    return AlertClient(state.http, settings.alert_url, settings.alert_token)
