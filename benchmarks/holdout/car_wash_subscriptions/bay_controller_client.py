"""Async client for the wash-bay controller that starts and stops wash programs."""
import asyncio
import logging
import random

import httpx

from .config import get_settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BACKOFF_BASE_SECONDS = 0.25
RETRYABLE_ERRORS = (httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError)

_settings = get_settings()
_client = httpx.AsyncClient(
    base_url=_settings.bay_controller_url,
    timeout=httpx.Timeout(5.0, connect=2.0),  # ok: REL001
    headers={"Authorization": f"Bearer {_settings.bay_controller_token.get_secret_value()}"},
)


class BayControllerError(Exception):
    pass


async def _request(method: str, path: str, *, json: dict | None = None, idempotency_key: str | None = None) -> dict:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    last_error: Exception | None = None
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            resp = await _client.request(method, path, json=json, headers=headers)
        except RETRYABLE_ERRORS as exc:
            last_error = exc
        else:
            if resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()
            last_error = BayControllerError(f"controller returned {resp.status_code}")
        if attempt < MAX_ATTEMPTS:
            delay = BACKOFF_BASE_SECONDS * 2 ** (attempt - 1) + random.uniform(0, BACKOFF_BASE_SECONDS)  # ok: SEC010
            logger.warning("%s %s failed (attempt %d), retrying in %.2fs", method, path, attempt, delay)
            await asyncio.sleep(delay)
    raise BayControllerError(f"{method} {path} failed after {MAX_ATTEMPTS} attempts") from last_error


async def start_program(bay_id: str, program: str, visit_id: int) -> dict:
    """Start a wash; the visit id makes a repeated start request a no-op on the controller."""
    return await _request(
        "POST",
        f"/bays/{bay_id}/programs",
        json={"program": program, "visit_id": visit_id},
        idempotency_key=f"visit-{visit_id}",
    )


async def stop_program(bay_id: str, visit_id: int) -> dict:
    return await _request("POST", f"/bays/{bay_id}/stop", json={"visit_id": visit_id}, idempotency_key=f"stop-{visit_id}")


async def bay_status(bay_id: str) -> dict:
    return await _request("GET", f"/bays/{bay_id}/status")


async def aclose() -> None:
    await _client.aclose()
