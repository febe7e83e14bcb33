"""Stock-level dashboard: every active fridge, what it holds and what expires soon."""
import logging
from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone

from ..models import Fridge, StockItem

logger = logging.getLogger(__name__)

ALLOWED_ORDERING = {
    "name": "name",
    "stock": "-available_items",
    "expiring": "-expiring_items",
}

CATEGORY_SHARE_SQL = """
    SELECT s.category, SUM(s.quantity)
      FROM fridgenet_stockitem s
      JOIN fridgenet_fridge f ON f.id = s.fridge_id
     WHERE s.status = 'available' AND f.is_active AND f.id = %s
     GROUP BY s.category
     ORDER BY s.category
"""


@staff_member_required
def fridge_levels(request):
    ordering = ALLOWED_ORDERING.get(request.GET.get("order", "name"))
    if ordering is None:
        return HttpResponseBadRequest("order must be one of: " + ", ".join(ALLOWED_ORDERING))
    soon = timezone.localdate() + timedelta(days=2)
    available = Q(stock_items__status=StockItem.Status.AVAILABLE)

    fridges = (
        Fridge.objects.filter(is_active=True)
        .annotate(
            available_items=Sum("stock_items__quantity", filter=available),
            expiring_items=Sum("stock_items__quantity", filter=available & Q(stock_items__expiry_date__lte=soon)),
            lines=Count("stock_items", filter=available),
        )
        .order_by(ordering)
    )
    payload = [
        {
            "slug": f.slug,
            "name": f.name,
            "available_items": f.available_items or 0,
            "expiring_items": f.expiring_items or 0,
            "lines": f.lines,
        }
        for f in fridges  # ok: DB001
    ]
    return JsonResponse({"generated_at": timezone.now().isoformat(), "fridges": payload})


@staff_member_required
def fridge_category_mix(request, fridge_id):
    """Share of each food category in one fridge, used for the restock planner."""
    with connection.cursor() as cursor:
        cursor.execute(CATEGORY_SHARE_SQL, [int(fridge_id)])  # ok: SEC001
        rows = cursor.fetchall()
    total = sum(qty for _, qty in rows) or 1
    return JsonResponse(
        {
            "fridge": int(fridge_id),
            "categories": [{"category": c, "items": q, "share": round(q / total, 3)} for c, q in rows],
        }
    )
