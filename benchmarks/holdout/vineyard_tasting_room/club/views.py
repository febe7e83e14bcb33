"""Member portal endpoints called by the club site's JavaScript (session cookie auth)."""
import json
import logging
import threading

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import ClubMembership, ClubShipment
from .tasks import current_quarter

log = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "state", "postal_code")
REQUIRED_FIELDS = ("name", "line1", "city", "state", "postal_code")
NO_DIRECT_SHIPPING_STATES = {"UT", "MS"}


def _push_address_to_stripe(customer_id: str, address: dict) -> None:
    try:
        stripe.Customer.modify(
            customer_id,
            shipping={
                "name": address["name"],
                "address": {k: address.get(k, "") for k in ADDRESS_FIELDS if k != "name"} | {"country": "US"},
            },
        )
    except stripe.error.StripeError as exc:
        print(f"stripe address sync failed for {customer_id}: {exc}")  # expect: OBS001


def _next_quarter() -> str:
    year, q = current_quarter().split("-Q")
    return f"{year}-Q{int(q) + 1}" if q != "4" else f"{int(year) + 1}-Q1"


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def update_shipping_address(request):
    try:
        raw = json.loads(request.body)
        address = {k: str(raw.get(k, "")).strip() for k in ADDRESS_FIELDS}
    except (ValueError, AttributeError):
        return JsonResponse({"detail": "Send the address as a JSON object."}, status=400)
    missing = [f for f in REQUIRED_FIELDS if not address[f]]
    if missing:
        return JsonResponse({"detail": f"Missing: {', '.join(missing)}"}, status=400)
    address["state"] = address["state"].upper()
    if address["state"] in NO_DIRECT_SHIPPING_STATES:
        return JsonResponse({"detail": "We cannot ship wine to that state."}, status=400)

    membership = get_object_or_404(ClubMembership, member=request.user)
    membership.ship_to = address
    membership.save(update_fields=["ship_to"])
    threading.Thread(target=_push_address_to_stripe, args=(membership.stripe_customer_id, address), daemon=True).start()  # expect: CON003, REL005
    log.info("member %s updated shipping address", request.user.pk)
    return JsonResponse({"ship_to": address})


@login_required
@require_GET
def my_shipments(request):
    shipments = (
        ClubShipment.objects.filter(membership__member=request.user)
        .prefetch_related("lines__vintage")
        .order_by("-quarter")[:12]
    )
    return JsonResponse({"shipments": [
        {
            "quarter": s.quarter,
            "status": s.status,
            "total": s.total_cents / 100,
            "bottles": [{"label": line.vintage.label, "quantity": line.quantity} for line in s.lines.all()],
        }
        for s in shipments
    ]})


@login_required
@require_POST
def skip_next_shipment(request):
    quarter = _next_quarter()
    try:
        with transaction.atomic():
            shipment = ClubShipment.objects.select_for_update().get(membership__member=request.user, quarter=quarter)
            if shipment.status != ClubShipment.Status.PENDING:
                return JsonResponse({"detail": f"The {quarter} shipment is already {shipment.status}."}, status=409)
            shipment.status = ClubShipment.Status.SKIPPED
            shipment.save(update_fields=["status"])
    except ClubShipment.DoesNotExist:
        log.error("no %s shipment to skip for user %s", quarter, request.user.pk)
    return JsonResponse({"quarter": quarter, "skipped": True})  # expect: ERR002
