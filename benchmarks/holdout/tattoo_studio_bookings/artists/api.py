"""Front-desk tablet API: walk-ins and same-day bookings.

The tablet authenticates with a per-artist API token in the Authorization
header (no cookies), so these views are exempt from CSRF.
"""
import hashlib
import json
import logging
from datetime import datetime, timedelta
from functools import wraps

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings.models import Artist, Client
from bookings.slots import SlotRequest, SlotUnavailable, reserve_slot

logger = logging.getLogger(__name__)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()  # ok: SEC009


def artist_token_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Token "):
            return JsonResponse({"error": "missing token"}, status=401)
        digest = _token_digest(header[6:].strip())
        artist = Artist.objects.filter(api_token_hash=digest, is_active=True).first()
        if artist is None:
            return JsonResponse({"error": "invalid token"}, status=401)
        request.artist = artist
        return view(request, *args, **kwargs)
    return wrapper


@csrf_exempt  # ok: SEC014
@require_POST
@artist_token_required
def book_walk_in(request):
    try:
        payload = json.loads(request.body)
        starts_at = datetime.fromisoformat(payload["starts_at"])
        minutes = int(payload["minutes"])
        name = payload["client_name"].strip()
    except (KeyError, TypeError, ValueError):
        return JsonResponse({"error": "starts_at, minutes and client_name are required"}, status=400)
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if not 15 <= minutes <= 480 or not name:
        return JsonResponse({"error": "minutes must be between 15 and 480"}, status=400)

    client = Client.objects.create(name=name, email=payload.get("email", ""), phone=payload.get("phone", ""))
    slot = SlotRequest(
        artist_id=request.artist.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        placement=payload.get("placement", ""),
        notes="walk-in",
    )
    try:
        booking = reserve_slot(slot, client, confirmed=True)
    except SlotUnavailable as exc:
        client.delete()
        return JsonResponse({"error": str(exc)}, status=409)

    logger.info("walk-in booked booking=%s artist=%s", booking.id, request.artist.id)
    return JsonResponse({"id": booking.id, "status": booking.status}, status=201)
