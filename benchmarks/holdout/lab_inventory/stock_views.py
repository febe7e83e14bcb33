import json
import logging
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from inventory.models import Reagent, StockMovement

logger = logging.getLogger(__name__)


@login_required
@require_GET
def reagent_list(request):
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        return JsonResponse({"error": "offset must be a number"}, status=400)
    reagents = Reagent.objects.select_related("supplier").order_by("name")[offset:offset + 50]  # ok: DB002
    rows = []
    for reagent in reagents:
        rows.append({
            "id": reagent.id,
            "name": reagent.name,
            "catalogue_number": reagent.catalogue_number,
            "quantity": str(reagent.quantity),
            "unit": reagent.unit,
            "supplier": reagent.supplier.name,  # ok: DB001
        })
    return JsonResponse({"items": rows})


@login_required
@require_GET
def reagent_search(request):
    term = request.GET.get("cas", "").strip()
    if len(term) < 5:
        return JsonResponse({"error": "CAS number required"}, status=400)
    qs = (
        Reagent.objects.filter(cas_number=term)  # ok: DB006
        .select_related("supplier")
        .order_by("name")[:50]
    )
    return JsonResponse({"items": [
        {"id": r.id, "name": r.name, "supplier": r.supplier.name, "quantity": str(r.quantity)} for r in qs
    ]})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def consume_reagent(request, reagent_id: int):
    try:
        body = json.loads(request.body)
        amount = Decimal(str(body["amount"]))
    except (ValueError, KeyError, InvalidOperation):
        return JsonResponse({"error": "amount required"}, status=400)
    if amount <= 0:
        return JsonResponse({"error": "amount must be positive"}, status=400)

    reagent = get_object_or_404(Reagent, pk=reagent_id)
    if reagent.quantity < amount:  # expect: DB005
        return JsonResponse({"error": "not enough stock"}, status=409)
    reagent.quantity -= amount  # expect: DB004
    reagent.save(update_fields=["quantity"])
    StockMovement.objects.create(reagent=reagent, delta=-amount, reason="consumed", user=request.user)
    logger.info("reagent consumed", extra={"reagent_id": reagent.id, "user_id": request.user.id})
    return JsonResponse({"id": reagent.id, "quantity": str(reagent.quantity)})


@login_required
@require_GET
def reagent_movements(request, reagent_id: int):
    reagent = get_object_or_404(Reagent, pk=reagent_id)
    movements = (
        reagent.movements.select_related("user")  # ok: DB001
        .order_by("-created_at")[:100]  # ok: DB002
    )
    return JsonResponse({"items": [
        {"delta": str(m.delta), "reason": m.reason, "user": m.user.username if m.user else None,
         "at": m.created_at.isoformat()}
        for m in movements
    ]})
