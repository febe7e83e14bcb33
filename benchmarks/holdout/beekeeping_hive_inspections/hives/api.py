"""JSON endpoints for the field app: a member's hives and their inspection history."""
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import Hive, Inspection

log = logging.getLogger(__name__)

PAGE_SIZE = 25


def _inspection_json(inspection: Inspection) -> dict:
    return {
        "id": inspection.pk,
        "inspected_at": inspection.inspected_at.isoformat(),
        "brood_frames": inspection.brood_frames,
        "queen_seen": inspection.queen_seen,
        "queen_cells": inspection.queen_cells,
        "temper": inspection.temper,
        "varroa": {
            "method": inspection.varroa_method or None,
            "count": float(inspection.varroa_count) if inspection.varroa_count is not None else None,
        },
        "photos": [photo.image.url for photo in inspection.photos.all()],
    }


@login_required
@require_GET
def my_hives(request):
    hives = (
        Hive.objects.filter(apiary__member__user=request.user)
        .select_related("apiary")
        .annotate(inspection_count=Count("inspections"), last_inspected=Max("inspections__inspected_at"))
        .order_by("apiary__name", "label")
    )
    return JsonResponse({"hives": [
        {
            "id": hive.pk,
            "apiary": hive.apiary.name,
            "label": hive.label,
            "status": hive.status,
            "inspections": hive.inspection_count,
            "last_inspected": hive.last_inspected.isoformat() if hive.last_inspected else None,
        }
        for hive in hives  # ok: DB001
    ]})


@login_required
@require_GET
def hive_inspections(request, hive_id: int):
    hive = get_object_or_404(Hive.objects.select_related("apiary"), pk=hive_id,
                             apiary__member__user=request.user)
    queryset = hive.inspections.order_by("-inspected_at").prefetch_related("photos")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse({
        "hive": hive.label,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_inspection_json(i) for i in page.object_list],
    })


@login_required
@require_GET
def inspection_json(request, pk: int):
    inspection = get_object_or_404(  # ok: SEC018
        Inspection.objects.prefetch_related("photos"),
        pk=pk,
        hive__apiary__member__user=request.user,
    )
    return JsonResponse(_inspection_json(inspection))
