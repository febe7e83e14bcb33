"""Sales reports for the co-op committee (treasurer and shop volunteers)."""
import csv
import datetime
import io
import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from shop.models import Order

logger = logging.getLogger(__name__)

SALES_BY_PRODUCT_SQL = """
    SELECT p.sku, p.name, SUM(l.quantity) AS units, SUM(l.quantity * l.unit_price_pence) AS revenue
    FROM shop_orderline l
    JOIN shop_product p ON p.id = l.product_id
    JOIN shop_order o ON o.id = l.order_id
    WHERE o.status = 'paid' AND o.placed_at >= %s AND o.placed_at < %s
    GROUP BY p.sku, p.name
    ORDER BY {order} DESC
"""


def _date_range(request):
    today = timezone.localdate()
    start = request.GET.get("from") or today.replace(day=1).isoformat()
    end = request.GET.get("to") or (today + datetime.timedelta(days=1)).isoformat()
    return datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)


@login_required
def sales_by_product(request):  # expect: SEC018
    try:
        start, end = _date_range(request)
    except ValueError:
        return JsonResponse({"error": "from/to must be YYYY-MM-DD"}, status=400)
    order = request.GET.get("order", "revenue")
    with connection.cursor() as cursor:
        cursor.execute(SALES_BY_PRODUCT_SQL.format(order=order), [start, end])  # expect: SEC001
        columns = [col.name for col in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    logger.info("sales_by_product %s..%s for user %s: %d products", start, end, request.user.pk, len(rows))
    return JsonResponse({"from": start.isoformat(), "to": end.isoformat(), "products": rows})


@login_required
def orders_csv(request):
    if not request.user.is_staff:
        return JsonResponse({"error": "committee only"}, status=403)
    year = int(request.GET.get("year", timezone.localdate().year))
    orders = list(  # expect: DB002
        Order.objects.filter(placed_at__year=year).select_related("member").order_by("placed_at")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["order", "placed_at", "member_no", "member", "status", "total_gbp", "collection_point"])
    for o in orders:
        writer.writerow(
            [
                o.pk,
                o.placed_at.isoformat(timespec="minutes"),
                o.member.member_number,
                o.member.display_name,
                o.status,
                f"{o.total_pence / 100:.2f}",
                o.collection_point,
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="orders-{year}.csv"'
    logger.info("orders_csv %s exported by user %s (%d rows)", year, request.user.pk, len(orders))
    return response
