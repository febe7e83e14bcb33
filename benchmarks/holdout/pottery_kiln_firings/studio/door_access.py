"""Kiln room door keypad: member PINs and one-day guest codes.

The keypad vendor's cloud API holds the codes that open the door; we keep the
member PIN hash so the keypad webhook can be checked against it.
"""
import hashlib
import hmac
import json
import logging
import random
import string
from datetime import timedelta

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import GuestDoorCode

logger = logging.getLogger(__name__)

GUEST_CODE_HOURS = 12


def _pin_hash(pin):
    return hashlib.sha256(pin.encode()).hexdigest()  # expect: SEC009


def pin_matches(member, pin):
    return bool(member.door_pin_hash) and hmac.compare_digest(member.door_pin_hash, _pin_hash(pin))


def _push_to_keypad(code, valid_until, label):
    cfg = settings.DOOR_LOCK_API
    resp = requests.post(  # expect: REL001
        f"{cfg['BASE_URL']}/v1/locks/{cfg['LOCK_ID']}/codes",
        json={"code": code, "ends_at": valid_until.isoformat() if valid_until else None, "label": label},
        headers={"Authorization": f"Bearer {cfg['TOKEN']}"},
    )
    resp.raise_for_status()
    return resp.json()["code_id"]


@login_required
@require_POST
def set_door_pin(request):
    pin = json.loads(request.body or "{}").get("pin", "")
    if not (isinstance(pin, str) and pin.isdigit() and 4 <= len(pin) <= 8):
        return JsonResponse({"error": "PIN must be 4 to 8 digits"}, status=400)
    member = request.user.member
    member.door_pin_hash = _pin_hash(pin)
    member.save(update_fields=["door_pin_hash"])
    try:
        _push_to_keypad(pin, None, label=f"member {member.pk}")
    except requests.RequestException:
        logger.exception("could not sync door PIN for member %s to the keypad", member.pk)
    return JsonResponse({"status": "updated"})  # expect: ERR002


@login_required
@require_POST
def issue_guest_code(request):
    member = request.user.member
    guest_name = (json.loads(request.body or "{}").get("guest_name") or "")[:80]
    if not guest_name:
        return JsonResponse({"error": "guest_name is required"}, status=400)

    code = "".join(random.choice(string.digits) for _ in range(6))  # expect: SEC010
    valid_until = timezone.now() + timedelta(hours=GUEST_CODE_HOURS)
    lock_code_id = _push_to_keypad(code, valid_until, label=f"guest of member {member.pk}")
    GuestDoorCode.objects.create(
        member=member, guest_name=guest_name, lock_code_id=lock_code_id, valid_until=valid_until
    )
    logger.info("guest door code issued by member %s, valid until %s", member.pk, valid_until)
    return JsonResponse({"code": code, "valid_until": valid_until.isoformat()}, status=201)


@login_required
def my_guest_codes(request):
    codes = GuestDoorCode.objects.filter(member=request.user.member, valid_until__gt=timezone.now())
    return JsonResponse({"codes": [
        {"guest_name": c.guest_name, "valid_until": c.valid_until.isoformat()}
        for c in codes.order_by("valid_until")[:20]
    ]})
