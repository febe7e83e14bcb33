"""Streaming CSV exports for the accountant's monthly pull (staff only)."""
import csv
import logging
from datetime import date, datetime, time

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone

from billing.models import Invoice, Payment

logger = logging.getLogger(__name__)

MAX_MONTHS = 12


class _Echo:
    """File-like object whose write() hands the row back to the generator."""

    def write(self, value):
        return value


def _month_range(request):
    """Parse ?from=YYYY-MM&to=YYYY-MM (inclusive), at most MAX_MONTHS long."""
    try:
        start = date.fromisoformat(request.GET["from"] + "-01")
        last = date.fromisoformat(request.GET["to"] + "-01")
    except (KeyError, ValueError):
        return None
    months = (last.year - start.year) * 12 + last.month - start.month + 1
    if not 1 <= months <= MAX_MONTHS:
        return None
    end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return start, end


def _stream(header, rows, filename):
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in _chain(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _chain(header, rows):
    yield header
    yield from rows


@staff_member_required
def payments_stream(request):
    bounds = _month_range(request)
    if bounds is None:
        return JsonResponse({"error": f"from/to must be YYYY-MM, at most {MAX_MONTHS} months"}, status=400)
    start, end = bounds
    payments = (
        Payment.objects.filter(received_at__gte=_aware(start), received_at__lt=_aware(end))
        .select_related("account__family")
        .order_by("received_at")
    )
    rows = (  # ok: DB001
        [p.id, p.received_at.isoformat(), p.account.family.name, p.amount, p.method, p.processor_ref or ""]
        for p in payments.iterator(chunk_size=2000)  # ok: DB002
    )
    logger.info("payments stream %s..%s by staff %s", start, end, request.user.id)
    return _stream(["payment_id", "received_at", "family", "amount", "method", "processor_ref"],
                   rows, f"payments-{start:%Y-%m}.csv")


@staff_member_required
def invoices_stream(request):
    bounds = _month_range(request)
    if bounds is None:
        return JsonResponse({"error": f"from/to must be YYYY-MM, at most {MAX_MONTHS} months"}, status=400)
    start, end = bounds
    invoices = (
        Invoice.objects.filter(period__gte=start, period__lt=end)
        .select_related("account__family")
        .order_by("period", "number")
    )
    rows = (
        [inv.number, inv.account.family.name, inv.period.isoformat(), inv.total, inv.status]
        for inv in invoices.iterator(chunk_size=2000)
    )
    return _stream(["invoice", "family", "period", "total", "status"], rows, f"invoices-{start:%Y-%m}.csv")
