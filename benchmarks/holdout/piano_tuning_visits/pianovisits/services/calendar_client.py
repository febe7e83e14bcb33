"""Client for the technicians' shared calendar service."""

import logging
from datetime import datetime, timedelta

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

VISIT_LENGTH = timedelta(minutes=90)
CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10


class CalendarSyncError(Exception):
    """The calendar service rejected a change or could not be reached."""


class CalendarClient:
    def __init__(self, base_url: str, token: str):
        self._base_url = base_url.rstrip("/")
        self._session = requests.Session()
        self._session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=frozenset({"GET", "PUT", "DELETE"}),
            respect_retry_after_header=True,
        )
        self._session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))

    def _url(self, path: str) -> str:
        return f"{self._base_url}/{path.lstrip('/')}"

    def put_visit(self, visit_id: int, technician_id: int, starts_at: datetime) -> None:
        """Create or replace the event for a visit; the event id is the visit id."""
        body = {
            "calendar": f"technician-{technician_id}",
            "title": f"Tuning visit #{visit_id}",
            "start": starts_at.isoformat(),
            "end": (starts_at + VISIT_LENGTH).isoformat(),
        }
        try:
            resp = self._session.put(self._url(f"/events/visit-{visit_id}"), json=body, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))  # ok: REL003
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise CalendarSyncError(f"PUT visit-{visit_id} failed") from exc

    def delete_visit(self, visit_id: int) -> None:
        try:
            resp = self._session.delete(
                self._url(f"/events/visit-{visit_id}"),
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
            if resp.status_code != 404:
                resp.raise_for_status()
        except requests.RequestException as exc:
            raise CalendarSyncError(f"DELETE visit-{visit_id} failed") from exc

    def busy_blocks(self, technician_id: int, day_start: datetime) -> list[dict]:
        """Busy periods for one technician and one day (a few dozen at most)."""
        try:
            resp = self._session.get(
                self._url("/busy"),
                params={
                    "calendar": f"technician-{technician_id}",
                    "from": day_start.isoformat(),
                    "to": (day_start + timedelta(days=1)).isoformat(),
                },
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise CalendarSyncError("busy lookup failed") from exc
        return resp.json()["blocks"]

    def close(self) -> None:
        self._session.close()


def init_calendar_client(app) -> CalendarClient:
    """Build the client once at startup; requests share its connection pool."""
    client = CalendarClient(app.config["CALENDAR_API_URL"], app.config["CALENDAR_API_TOKEN"])
    app.extensions["calendar_client"] = client
    return client


def calendar_client() -> CalendarClient:
    return current_app.extensions["calendar_client"]
