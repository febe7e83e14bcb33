"""Video rooms from the conferencing provider, created after a booking commits."""
import logging
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bookings.models import TutoringSession

logger = logging.getLogger(__name__)

ROOM_TIMEOUT = (3.05, 10)
MAX_ATTEMPTS = 5


class VideoProviderError(Exception):
    """The provider rejected the request."""


def _http() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings.VIDEO_API_KEY}"
    retry = Retry(total=2, backoff_factor=0.5, status_forcelist=(502, 503, 504),
                  allowed_methods=frozenset({"GET", "PUT", "DELETE"}))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def _room_name(session_id: int) -> str:
    return f"tutoring-{session_id}"


def put_room(session: TutoringSession) -> dict:
    """Create or update the room; the name is derived from the session so repeats are harmless."""
    expires = session.starts_at + timedelta(minutes=session.duration_minutes + 30)
    with _http() as http:
        resp = http.put(
            f"{settings.VIDEO_API_BASE}/rooms/{_room_name(session.id)}",
            json={"privacy": "private", "expires_at": int(expires.timestamp()), "recording": "cloud"},
            timeout=ROOM_TIMEOUT,
            verify=settings.VIDEO_CA_BUNDLE,  # ok: SEC011
        )
    if 400 <= resp.status_code < 500:
        raise VideoProviderError(f"room rejected: {resp.status_code} {resp.text[:200]}")
    resp.raise_for_status()
    return resp.json()


@shared_task(bind=True, max_retries=MAX_ATTEMPTS)
def create_room_for_session(self, session_id: int) -> None:
    session = TutoringSession.objects.filter(pk=session_id, status=TutoringSession.Status.BOOKED).first()
    if session is None or session.room_url:
        return
    try:
        room = put_room(session)
    except requests.RequestException as exc:
        logger.warning("room creation failed session_id=%s attempt=%s: %s", session_id, self.request.retries, exc)
        raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries)
    except VideoProviderError:
        logger.exception("room rejected by provider session_id=%s", session_id)
        raise
    TutoringSession.objects.filter(pk=session_id).update(room_id=room["id"], room_url=room["url"])
    logger.info("room ready session_id=%s room_id=%s", session_id, room["id"])


@shared_task(bind=True, max_retries=3)
def delete_room_for_session(self, session_id: int) -> None:
    try:
        with _http() as http:
            resp = http.delete(
                f"{settings.VIDEO_API_BASE}/rooms/{_room_name(session_id)}",
                timeout=ROOM_TIMEOUT,
                verify=settings.VIDEO_CA_BUNDLE,
            )
        if resp.status_code != 404:
            resp.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("room deletion failed session_id=%s: %s", session_id, exc)
        raise self.retry(exc=exc, countdown=60)
    TutoringSession.objects.filter(pk=session_id).update(room_id="", room_url="")
