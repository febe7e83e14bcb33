"""Coordinator check-in of a donor's drop-off: the items go into fridge stock."""
import json
import logging
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import DropOff, Fridge, StockItem

logger = logging.getLogger(__name__)

MAX_LINES_PER_DROPOFF = 60
CATEGORIES = {"dairy", "produce", "bakery", "prepared", "tins", "dry", "drinks"}


def _parse_items(raw_body):
    """Validate the coordinator's list of {category, description, quantity, expiry_date}."""
    payload = json.loads(raw_body or b"{}")
    lines = payload.get("items") or []
    if not 0 < len(lines) <= MAX_LINES_PER_DROPOFF:
        raise ValueError("between 1 and 60 item lines are required")
    parsed = []
    for line in lines:
        category = line.get("category")
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        quantity = int(line.get("quantity", 1))
        if not 0 < quantity <= 100:
            raise ValueError("quantity must be 1-100")
        expiry = date.fromisoformat(line["expiry_date"])
        if expiry < timezone.localdate():
            raise ValueError("already expired items are not accepted")
        parsed.append((category, str(line.get("description", ""))[:200], quantity, expiry))
    return parsed


@login_required
@require_POST
def check_in(request, dropoff_id):
    dropoff = get_object_or_404(
        DropOff.objects.select_related("slot__fridge"),
        pk=dropoff_id,
        slot__fridge__coordinator=request.user,
    )
    try:
        lines = _parse_items(request.body)
    except (ValueError, KeyError, TypeError) as exc:
        return JsonResponse({"error": "invalid_items", "detail": str(exc)}, status=400)

    fridge = dropoff.slot.fridge
    total = sum(quantity for _, _, quantity, _ in lines)
    with transaction.atomic():
        updated = DropOff.objects.filter(pk=dropoff.pk, status=DropOff.Status.BOOKED).update(
            status=DropOff.Status.RECEIVED, items_count=total, checked_in_at=timezone.now()
        )
        if not updated:
            return JsonResponse({"error": "already_checked_in"}, status=409)
        StockItem.objects.bulk_create(
            StockItem(fridge=fridge, dropoff=dropoff, category=c, description=d, quantity=q, expiry_date=e)
            for c, d, q, e in lines
        )
        fridge.items_in_stock = fridge.items_in_stock + total  # expect: DB004
        fridge.save(update_fields=["items_in_stock"])

    logger.info("check-in recorded: %d items", total)  # todo-expect: OBS003
    return JsonResponse({"dropoff": dropoff.pk, "items": total, "fridge_stock": fridge.items_in_stock})


@login_required
@require_GET
def pending_checkins(request, fridge_slug):
    fridge = get_object_or_404(Fridge, slug=fridge_slug, coordinator=request.user)
    today = timezone.localdate()
    dropoffs = (
        DropOff.objects.filter(
            slot__fridge=fridge, status=DropOff.Status.BOOKED, slot__starts_at__date=today
        )
        .select_related("donor", "slot")
        .order_by("slot__starts_at")[:100]
    )
    return JsonResponse(
        {
            "fridge": fridge.slug,
            "pending": [
                {"id": d.pk, "donor": d.donor.display_name, "slot": d.slot.starts_at.isoformat(), "notes": d.notes}
                for d in dropoffs  # ok: DB001
            ],
        }
    )
