"""JSON API for the tablet kiosk in each tool shed.

The kiosk authenticates with a bearer token and identifies the member by
scanning their membership card; there is no browser session.
"""
import hmac
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from garden.models import Member, Tool, ToolLoan

log = logging.getLogger(__name__)

LOAN_PERIOD = timedelta(days=3)


def _kiosk_authorised(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.SHED_KIOSK_TOKEN
    return scheme == "Bearer" and bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def _payload(request):
    try:
        data = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


@csrf_exempt  # ok: SEC014
@require_POST
def kiosk_checkout(request):
    if not _kiosk_authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    data = _payload(request)
    if data is None or not data.get("card") or not isinstance(data.get("tool_id"), int):
        return JsonResponse({"error": "card and tool_id are required"}, status=400)
    member = Member.objects.filter(card_number=data["card"]).first()
    if member is None:
        return JsonResponse({"error": "card not recognised"}, status=404)

    with transaction.atomic():
        taken = (Tool.objects
                 .filter(pk=data["tool_id"], available_count__gt=0)
                 .update(available_count=F("available_count") - 1))  # ok: DB004
        if not taken:
            return JsonResponse({"error": "none left in the shed"}, status=409)
        loan = ToolLoan.objects.create(tool_id=data["tool_id"], member=member,
                                       due_back=timezone.now() + LOAN_PERIOD)
    log.info("kiosk loan %s: tool %s to member %s", loan.pk, data["tool_id"], member.pk)
    return JsonResponse({"loan_id": loan.pk, "due_back": loan.due_back.isoformat()}, status=201)


@csrf_exempt  # ok: SEC014
@require_POST
def kiosk_return(request):
    if not _kiosk_authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    data = _payload(request)
    if data is None or not data.get("card") or not isinstance(data.get("loan_id"), int):
        return JsonResponse({"error": "card and loan_id are required"}, status=400)

    with transaction.atomic():
        loan = (ToolLoan.objects.select_for_update()
                .filter(pk=data["loan_id"], member__card_number=data["card"], returned_at__isnull=True)
                .first())
        if loan is None:
            return JsonResponse({"error": "no open loan for this card"}, status=404)
        loan.returned_at = timezone.now()
        loan.save(update_fields=["returned_at"])
        Tool.objects.filter(pk=loan.tool_id).update(available_count=F("available_count") + 1)
    log.info("kiosk return of loan %s", loan.pk)
    return JsonResponse({"loan_id": loan.pk, "returned_at": loan.returned_at.isoformat()})
