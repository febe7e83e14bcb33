"""Alert delivery to the control-room webhook.

Synchronous on purpose: the same module is imported by the old cron scripts
in ops-tools/, which have no event loop.
"""
import logging
import os

import requests
import urllib3

logger = logging.getLogger(__name__)

ROSTER_URL = os.environ.get("METERS_ROSTER_URL", "https://control-room.example.net/api/roster/current")
ROSTER_TIMEOUT = (3, 10)

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

_session = requests.Session()
_session.headers["User-Agent"] = "meter-alerts/1.4"
_session.verify = False  # expect: SEC011


def post_alert(url: str, alert: dict, token: str | None = None) -> bool:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        resp = _session.post(url, json=alert, headers=headers)  # expect: REL001
        resp.raise_for_status()
        return True
    except requests.RequestException as exc:
        logger.error("alert delivery to %s failed: %s", url, exc)  # expect: OBS002
        return False


def on_call_engineer() -> str | None:
    try:
        resp = _session.get(ROSTER_URL, timeout=ROSTER_TIMEOUT)  # ok: REL001
        resp.raise_for_status()
    except requests.RequestException:
        logger.warning("could not load the on-call roster", exc_info=True)
        return None
    return resp.json().get("primary", {}).get("name")


def format_alert(meter_id: str, kind: str, detail: str, severity: str = "warning") -> dict:
    engineer = on_call_engineer()
    return {
        "source": "meter-readings",
        "meter_id": meter_id,
        "kind": kind,
        "severity": severity,
        "detail": detail,
        "assignee": engineer,
    }
