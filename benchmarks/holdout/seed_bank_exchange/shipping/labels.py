"""Packet owners buy a postage label for an accepted swap and print it."""
import logging
import os

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from exchange.models import Shipment, SwapRequest

log = logging.getLogger(__name__)

LABEL_DIR = os.path.join(settings.BASE_DIR, "var", "labels")
PACKET_WEIGHT_G = 25


def _address(member):
    lines = [line.strip() for line in member.shipping_address.splitlines() if line.strip()]
    return {"name": member.display_name, "lines": lines, "postcode": member.postcode}


@login_required
@require_POST
def create_label(request, swap_id):
    member = request.user.member
    swap = get_object_or_404(
        SwapRequest.objects.select_related("packet__owner", "requester"), pk=swap_id, packet__owner=member
    )
    claimed = SwapRequest.objects.filter(pk=swap.pk, status="accepted").update(status="labelling")
    if not claimed:
        return JsonResponse({"error": "labels can only be bought for accepted swaps"}, status=409)

    payload = {
        "reference": f"swap-{swap.id}",
        "from": _address(member),
        "to": _address(swap.requester),
        "weight_grams": PACKET_WEIGHT_G * swap.quantity,
        "service": "large-letter",
    }
    headers = {"Authorization": f"Bearer {settings.CARRIER_API_KEY}", "Accept": "application/json"}
    log.debug("parcelpost label request for swap %s: headers=%s", swap.id, headers)  # expect: SEC007
    resp = requests.post(f"{settings.CARRIER_BASE_URL}/labels", json=payload, headers=headers)  # expect: REL001
    resp.raise_for_status()
    data = resp.json()

    pdf = requests.get(data["label_url"], headers=headers, timeout=15).content
    os.makedirs(LABEL_DIR, exist_ok=True)
    path = os.path.join(LABEL_DIR, f"swap-{swap.id}.pdf")
    with open(path, "wb") as fh:  # expect: SCL002
        fh.write(pdf)

    Shipment.objects.create(  # expect: REL004
        swap=swap,
        tracking_number=data["tracking_number"],
        label_path=path,
        postage_cents=data["price"]["amount"],
    )
    SwapRequest.objects.filter(pk=swap.pk).update(status="label_created")
    log.info("label %s bought for swap %s by member %s", data["tracking_number"], swap.id, member.id)
    return JsonResponse({"swap_id": swap.id, "tracking_number": data["tracking_number"]}, status=201)


@login_required
def download_label(request, swap_id):
    shipment = get_object_or_404(Shipment, swap_id=swap_id, swap__packet__owner=request.user.member)
    if not shipment.label_path or not os.path.exists(shipment.label_path):
        raise Http404("label not available")
    return FileResponse(open(shipment.label_path, "rb"), content_type="application/pdf",
                        filename=f"swap-{swap_id}-label.pdf")
