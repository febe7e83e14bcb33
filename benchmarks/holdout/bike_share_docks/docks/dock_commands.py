"""Client for the station gateway that locks and unlocks individual docks."""
import logging
import os
import random
import threading
import time

import httpx

logger = logging.getLogger(__name__)


class DockCommandError(Exception):
    pass


class DockCommandClient:
    def __init__(self, base_url: str, token: str, timeout: httpx.Timeout | None = None, max_attempts: int = 3):
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout or httpx.Timeout(3.0, connect=2.0),  # ok: REL001
            headers={"Authorization": f"Bearer {token}", "User-Agent": "docks-api/2.3"},
        )
        self._max_attempts = max_attempts

    def _send(self, dock_id: int, action: str, command_id: str) -> dict:
        delay = 0.2
        last_error: Exception | None = None
        for attempt in range(1, self._max_attempts + 1):  # ok: REL002
            try:
                resp = self._client.post(
                    f"/v1/docks/{dock_id}/commands",
                    json={"action": action},
                    headers={"Idempotency-Key": command_id},  # ok: REL003
                )
                if resp.status_code < 500:
                    resp.raise_for_status()
                    return resp.json()
                last_error = DockCommandError(f"gateway returned {resp.status_code}")
            except httpx.TransportError as exc:
                last_error = exc
            except httpx.HTTPStatusError as exc:
                raise DockCommandError(f"gateway rejected {action} for dock {dock_id}: {exc.response.status_code}") from exc
            logger.warning("dock command %s %s attempt %s failed: %s", action, command_id, attempt, last_error)
            if attempt < self._max_attempts:
                time.sleep(delay + random.uniform(0, delay))  # ok: SEC010
                delay *= 2
        raise DockCommandError(f"{action} for dock {dock_id} failed after {self._max_attempts} attempts") from last_error

    def unlock(self, dock_id: int, command_id: str) -> dict:
        return self._send(dock_id, "unlock", command_id)

    def lock(self, dock_id: int, command_id: str) -> dict:
        return self._send(dock_id, "lock", command_id)

    def close(self) -> None:
        self._client.close()


_client: DockCommandClient | None = None
_client_lock = threading.Lock()


def get_dock_client() -> DockCommandClient:
    global _client  # ok: MNT002
    if _client is None:
        with _client_lock:  # ok: CON002
            if _client is None:
                _client = DockCommandClient(
                    os.environ.get("GATEWAY_URL", "https://gateway.bikeshare.internal"),
                    os.environ.get("GATEWAY_TOKEN", ""),
                )
    return _client
