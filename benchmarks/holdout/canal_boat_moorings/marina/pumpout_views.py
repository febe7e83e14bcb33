"""Pump-out requests from boaters on a berth; passed on to the marina's contractor."""
import json
import logging
import threading
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .contractor_client import ContractorClient, ContractorRejected, ContractorUnavailable
from .models import Boat, Marina, PumpOutRequest

log = logging.getLogger(__name__)

MAX_DAYS_AHEAD = 21


def _forward_to_contractor(request_id):
    pumpout = PumpOutRequest.objects.select_related("marina", "boat").get(pk=request_id)
    client = ContractorClient.from_settings()
    try:
        ref = client.book_pumpout(
            pumpout.pk, pumpout.marina.code, pumpout.boat.index_number, pumpout.requested_for, pumpout.notes
        )
    except (ContractorUnavailable, ContractorRejected):
        log.exception("pump-out %s could not be booked with the contractor", request_id)
        PumpOutRequest.objects.filter(pk=request_id).update(status="failed")
        return
    finally:
        client.close()
    PumpOutRequest.objects.filter(pk=request_id).update(status="scheduled", contractor_ref=ref)
    log.info("pump-out %s scheduled as %s", request_id, ref)


# Posted from the boaters' app webview, which shares the site session.
@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def request_pumpout(request):
    try:
        data = json.loads(request.body)
        day = date.fromisoformat(data["date"])
        boat_id = int(data["boat"])
        marina_code = str(data["marina"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "invalid_request"}, status=400)
    if not date.today() <= day <= date.today() + timedelta(days=MAX_DAYS_AHEAD):
        return JsonResponse({"error": "date_out_of_range"}, status=400)

    boat = get_object_or_404(Boat, pk=boat_id, owner=request.user)
    marina = get_object_or_404(Marina, code=marina_code)
    pumpout = PumpOutRequest.objects.create(
        marina=marina, boat=boat, requested_by=request.user, requested_for=day,
        notes=str(data.get("notes", ""))[:280],
    )
    threading.Thread(target=_forward_to_contractor, args=(pumpout.pk,), daemon=True).start()  # expect: CON003, REL005
    return JsonResponse({"id": pumpout.pk, "status": pumpout.status}, status=201)


@login_required
@require_GET
def my_pumpouts(request):
    rows = (
        PumpOutRequest.objects.filter(requested_by=request.user)
        .select_related("marina", "boat")
        .order_by("-requested_for")[:50]
    )
    return JsonResponse({
        "pumpouts": [
            {
                "id": p.pk,
                "marina": p.marina.name,
                "boat": p.boat.name,
                "date": p.requested_for.isoformat(),
                "status": p.status,
            }
            for p in rows
        ]
    })
