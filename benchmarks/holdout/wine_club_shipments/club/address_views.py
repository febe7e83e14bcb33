"""Member-facing views for managing shipping addresses."""
import json
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from club.models import Address, Shipment

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("label", "line1", "line2", "city", "region", "postal_code")
REQUIRED_FIELDS = ("line1", "city", "region", "postal_code")


def _serialize(address):
    data = {field: getattr(address, field) for field in EDITABLE_FIELDS}
    data.update(id=address.pk, is_default=address.is_default, updated_at=address.updated_at.isoformat())
    return data


def _parse_body(request):
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


@login_required
@require_GET
def list_addresses(request):
    addresses = request.user.member.addresses.order_by("-is_default", "label")[:20]
    return JsonResponse({"addresses": [_serialize(a) for a in addresses]})


@login_required
@require_POST
def create_address(request):
    payload = _parse_body(request)
    if payload is None or any(not str(payload.get(f, "")).strip() for f in REQUIRED_FIELDS):
        return HttpResponseBadRequest("line1, city, region and postal_code are required")
    address = Address.objects.create(
        member=request.user.member,
        **{f: str(payload.get(f, "")).strip()[:120] for f in EDITABLE_FIELDS if f in payload},
    )
    logger.info("address %s created for member %s", address.pk, address.member_id)
    return JsonResponse(_serialize(address), status=201)


@login_required
@require_http_methods(["PATCH"])
def update_address(request, address_id):
    address = get_object_or_404(Address, pk=address_id)  # expect: SEC018
    payload = _parse_body(request)
    if payload is None:
        return HttpResponseBadRequest("invalid JSON body")
    for field in EDITABLE_FIELDS:
        if field in payload:
            setattr(address, field, str(payload[field]).strip()[:120])
    address.save()
    logger.info("address %s updated by user %s", address.pk, request.user.pk)
    return JsonResponse(_serialize(address))


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def set_default_address(request, address_id):
    """Make an address the default and move any unpacked shipments to it."""
    member = request.user.member
    address = get_object_or_404(Address, pk=address_id, member=member)  # ok: SEC018
    with transaction.atomic():
        member.addresses.filter(is_default=True).exclude(pk=address.pk).update(is_default=False)
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])
        moved = Shipment.objects.filter(member=member, status=Shipment.Status.PENDING).update(address=address)
    logger.info("member %s default address -> %s, %d pending shipment(s) moved", member.pk, address.pk, moved)
    return JsonResponse({"default_address_id": address.pk, "shipments_moved": moved})
