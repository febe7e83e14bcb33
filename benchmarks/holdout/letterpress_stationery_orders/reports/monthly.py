"""Print-shop reports for the owners: the monthly order sheet and a yearly export."""

import csv
import logging
from datetime import datetime, timezone as dt_timezone

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from orders.models import Order

logger = logging.getLogger(__name__)

CSV_HEADER = ["reference", "paper_size", "sheets", "total_gbp", "status", "created_at"]


class _Echo:
    def write(self, value):
        return value


def _row(order) -> list:
    return [order.reference, order.paper_size, order.sheets, f"{order.total_pence / 100:.2f}",
            order.status, order.created_at.isoformat()]


@staff_member_required
def monthly_report(request):
    """Orders placed in one month, as CSV for the bookkeeper."""
    month = request.GET.get("month") or timezone.now().strftime("%Y-%m")
    orders = Order.objects.raw(
        "SELECT id, reference, paper_size, sheets, total_pence, status, created_at FROM orders_order "
        f"WHERE to_char(created_at, 'YYYY-MM') = '{month}' ORDER BY created_at"  # expect: SEC001, DB006
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="orders-{month[:7]}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for order in orders:
        writer.writerow(_row(order))
    return response


@staff_member_required
def yearly_export(request):
    """Every order of a year, for the accountant's year-end."""
    year = int(request.GET.get("year") or timezone.now().year)
    orders = list(Order.objects.filter(created_at__year=year).order_by("created_at"))  # expect: DB002, RES003
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="orders-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(_row(o) for o in orders)
    logger.info("yearly export", extra={"count": len(orders), "user_id": request.user.pk})
    return response


@staff_member_required
def status_export(request):
    """Current orders in one status, streamed so a busy season does not fill memory."""
    status = request.GET.get("status", Order.Status.PRINTING)
    if status not in Order.Status.values:
        status = Order.Status.PRINTING
    rows = Order.objects.filter(status=status).order_by("pk").iterator(chunk_size=500)  # ok: RES003
    response = StreamingHttpResponse(_stream_csv(rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="orders-{status}.csv"'
    return response


def _stream_csv(orders):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for order in orders:
        yield writer.writerow(_row(order))


def month_summary(year: int, month: int) -> dict:
    """Totals for the owners' monthly e-mail; the range keeps created_at's index usable."""
    start = datetime(year, month, 1, tzinfo=dt_timezone.utc)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=dt_timezone.utc)
    qs = Order.objects.filter(created_at__gte=start, created_at__lt=end)  # ok: DB006
    totals = qs.aggregate(orders=Count("id"), revenue=Sum("total_pence"), sheets=Sum("sheets"))
    by_size = list(qs.values("paper_size").annotate(n=Count("id"), sheets=Sum("sheets")).order_by("paper_size"))
    return {
        "month": f"{year}-{month:02d}",
        "orders": totals["orders"] or 0,
        "revenue_gbp": (totals["revenue"] or 0) / 100,
        "sheets": totals["sheets"] or 0,
        "by_size": by_size,
    }
