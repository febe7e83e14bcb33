"""Door check-in: from a singer's phone, or from the tablet kiosk at the venue."""
import hashlib
import hmac
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from rehearsals.models import Attendance, KioskDevice, Member, Rehearsal

logger = logging.getLogger(__name__)


class RoomFull(Exception):
    pass


def _check_in(rehearsal_id: int, member: Member) -> bool:
    """Returns True if this call checked the member in, False if they already were."""
    with transaction.atomic():
        rehearsal = Rehearsal.objects.select_for_update().get(pk=rehearsal_id, choir_id=member.choir_id)
        present = Attendance.objects.filter(rehearsal=rehearsal, checked_in_at__isnull=False).count()
        if rehearsal.room_capacity and present >= rehearsal.room_capacity:  # ok: DB005
            raise RoomFull()
        Attendance.objects.get_or_create(rehearsal=rehearsal, member=member, defaults={"status": "yes"})
        changed = Attendance.objects.filter(
            rehearsal=rehearsal, member=member, checked_in_at__isnull=True
        ).update(checked_in_at=timezone.now())
        if changed:
            Member.objects.filter(pk=member.pk).update(
                rehearsals_attended=F("rehearsals_attended") + 1  # ok: DB004
            )
        return bool(changed)


@login_required
@require_POST
def self_checkin(request, rehearsal_id):
    rehearsal = get_object_or_404(Rehearsal, pk=rehearsal_id)
    member = get_object_or_404(Member, user=request.user, choir_id=rehearsal.choir_id, active=True)
    try:
        fresh = _check_in(rehearsal.id, member)
    except RoomFull:
        return JsonResponse({"error": "the room is at capacity"}, status=409)
    logger.info("member %s self check-in rehearsal %s (new=%s)", member.id, rehearsal.id, fresh)
    return JsonResponse({"rehearsal": rehearsal.id, "checked_in": True, "new": fresh})


def _kiosk_from_header(request):
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Kiosk "):
        return None
    digest = hashlib.sha256(auth[len("Kiosk "):].encode()).hexdigest()  # ok: SEC009
    device = KioskDevice.objects.filter(token_hash=digest, active=True).first()
    if device is None or not hmac.compare_digest(device.token_hash, digest):
        return None
    return device


# Kiosks authenticate with a device token header, not a browser session.
@csrf_exempt  # ok: SEC014
@require_POST
def kiosk_checkin(request, rehearsal_id):
    device = _kiosk_from_header(request)
    if device is None:
        return JsonResponse({"error": "unknown kiosk"}, status=401)
    badge = request.POST.get("badge", "").strip()
    member = Member.objects.filter(badge_code=badge, choir_id=device.choir_id, active=True).first()
    if member is None:
        return JsonResponse({"error": "badge not recognised"}, status=404)
    try:
        fresh = _check_in(rehearsal_id, member)
    except Rehearsal.DoesNotExist:
        return JsonResponse({"error": "no such rehearsal for this choir"}, status=404)
    except RoomFull:
        return JsonResponse({"error": "the room is at capacity"}, status=409)
    logger.info("kiosk %s checked in member %s for rehearsal %s", device.id, member.id, rehearsal_id)
    return JsonResponse({"member": member.display_name, "checked_in": True, "new": fresh})
