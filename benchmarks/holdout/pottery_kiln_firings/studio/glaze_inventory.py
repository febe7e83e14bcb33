"""Glaze inventory: members draw glaze from studio stock and are billed per 100 g."""
import json
import logging

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .models import GlazeStock, GlazeWithdrawal

logger = logging.getLogger(__name__)

MIN_GRAMS, MAX_GRAMS = 10, 5000


def _grams_from(request):
    try:
        grams = int(json.loads(request.body)["grams"])
    except (ValueError, KeyError, TypeError):
        return None
    return grams if MIN_GRAMS <= grams <= MAX_GRAMS else None


@login_required
@require_POST
def withdraw_glaze(request, glaze_id):
    grams = _grams_from(request)
    if grams is None:
        return JsonResponse({"error": f"grams must be between {MIN_GRAMS} and {MAX_GRAMS}"}, status=400)
    member = request.user.member
    with transaction.atomic():
        glaze = GlazeStock.objects.select_for_update().filter(pk=glaze_id).first()
        if glaze is None:
            return JsonResponse({"error": "Unknown glaze"}, status=404)
        if glaze.grams < grams:
            return JsonResponse({"error": "Not enough in stock", "available_grams": glaze.grams}, status=409)
        glaze.grams -= grams  # ok: DB004
        glaze.save(update_fields=["grams"])
        charge = (grams * glaze.price_per_100g_pence + 99) // 100
        withdrawal = GlazeWithdrawal.objects.create(member=member, glaze=glaze, grams=grams, charged_pence=charge)
    if glaze.grams < glaze.reorder_level_grams:
        logger.info("glaze %s below reorder level (%d g left) after withdrawal %s by member %s",
                    glaze.pk, glaze.grams, withdrawal.pk, member.pk)
    return JsonResponse(
        {"withdrawal": withdrawal.pk, "grams": grams, "charged_pence": charge, "remaining_grams": glaze.grams},
        status=201,
    )


@permission_required("studio.change_glazestock", raise_exception=True)
@require_POST
def restock_glaze(request, glaze_id):
    grams = _grams_from(request)
    if grams is None:
        return JsonResponse({"error": f"grams must be between {MIN_GRAMS} and {MAX_GRAMS}"}, status=400)
    updated = GlazeStock.objects.filter(pk=glaze_id).update(grams=F("grams") + grams)  # ok: DB004
    if not updated:
        return JsonResponse({"error": "Unknown glaze"}, status=404)
    logger.info("glaze %s restocked with %d g by user %s", glaze_id, grams, request.user.pk)
    return JsonResponse({"glaze": glaze_id, "added_grams": grams})


@login_required
@require_GET
def glaze_catalogue(request):
    glazes = GlazeStock.objects.order_by("name").only("name", "colour", "cone_range", "grams", "price_per_100g_pence")
    page = Paginator(glazes, 50).get_page(request.GET.get("page"))
    return JsonResponse({
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {"id": g.pk, "name": g.name, "colour": g.colour, "cone_range": g.cone_range,
             "in_stock": g.grams >= MIN_GRAMS, "price_per_100g_pence": g.price_per_100g_pence}
            for g in page.object_list
        ],
    })
