"""Volunteer stock-taking: items taken, quantity corrections and clear-outs."""
import json
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import Fridge, StockItem

logger = logging.getLogger(__name__)


def _quantity_from(request):
    payload = json.loads(request.body or b"{}")
    return int(payload.get("quantity", 1))


@login_required
@require_GET
def fridge_stock(request, fridge_slug):
    fridge = get_object_or_404(Fridge, slug=fridge_slug, is_active=True)
    items = list(
        fridge.stock_items.filter(status=StockItem.Status.AVAILABLE)
        .order_by("expiry_date")
        .values("id", "category", "description", "quantity", "expiry_date")[:200]
    )  # ok: DB002
    return JsonResponse({"fridge": fridge.name, "items_in_stock": fridge.items_in_stock, "items": items})


@login_required
@require_POST
def take_items(request, fridge_slug, item_id):
    """Record items taken by a visitor; never lets the quantity go below zero."""
    fridge = get_object_or_404(Fridge, slug=fridge_slug)
    try:
        taken = _quantity_from(request)
    except (ValueError, TypeError):
        return JsonResponse({"error": "invalid_quantity"}, status=400)
    if taken < 1:
        return JsonResponse({"error": "invalid_quantity"}, status=400)

    with transaction.atomic():
        updated = StockItem.objects.filter(
            pk=item_id, fridge=fridge, status=StockItem.Status.AVAILABLE, quantity__gte=taken
        ).update(quantity=F("quantity") - taken)  # ok: DB004
        if not updated:
            return JsonResponse({"error": "not_enough_left"}, status=409)
        StockItem.objects.filter(pk=item_id, quantity=0).update(status=StockItem.Status.TAKEN)
        Fridge.objects.filter(pk=fridge.pk, items_in_stock__gte=taken).update(
            items_in_stock=F("items_in_stock") - taken
        )

    logger.info("user %s took %d of item %s at fridge %s", request.user.pk, taken, item_id, fridge.slug)
    return JsonResponse({"item": item_id, "taken": taken})


@login_required
@require_POST
def correct_quantity(request, fridge_slug, item_id):
    """Coordinator stock count: set an item's quantity to what is actually on the shelf."""
    fridge = get_object_or_404(Fridge, slug=fridge_slug, coordinator=request.user)
    try:
        counted = _quantity_from(request)
    except (ValueError, TypeError):
        return JsonResponse({"error": "invalid_quantity"}, status=400)
    if counted < 0:
        return JsonResponse({"error": "invalid_quantity"}, status=400)

    with transaction.atomic():
        item = get_object_or_404(StockItem.objects.select_for_update(), pk=item_id, fridge=fridge)
        difference = counted - item.quantity
        item.quantity = counted  # ok: DB004
        item.status = StockItem.Status.AVAILABLE if counted else StockItem.Status.TAKEN
        item.save(update_fields=["quantity", "status"])
        Fridge.objects.filter(pk=fridge.pk).update(items_in_stock=F("items_in_stock") + difference)

    logger.info("coordinator %s corrected item %s at %s by %+d", request.user.pk, item_id, fridge.slug, difference)
    return JsonResponse({"item": item_id, "quantity": counted})


@login_required
@require_POST
def clear_expired(request, fridge_slug):
    fridge = get_object_or_404(Fridge, slug=fridge_slug, coordinator=request.user)
    with transaction.atomic():
        expired = StockItem.objects.select_for_update().filter(
            fridge=fridge, status=StockItem.Status.AVAILABLE, expiry_date__lt=timezone.localdate()
        )
        removed = sum(expired.values_list("quantity", flat=True))
        count = expired.update(status=StockItem.Status.DISCARDED)
        Fridge.objects.filter(pk=fridge.pk).update(items_in_stock=F("items_in_stock") - removed)
    logger.info("coordinator %s cleared %d expired lines at %s", request.user.pk, count, fridge.slug)
    return JsonResponse({"discarded_lines": count, "discarded_items": removed})
