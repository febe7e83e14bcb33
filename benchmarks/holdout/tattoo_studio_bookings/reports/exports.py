"""Streaming exports for the accountant (deposits and refunds, by month)."""
import csv
import logging
from datetime import datetime, timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone

from bookings.models import Deposit

logger = logging.getLogger(__name__)


class _Echo:
    """File-like object whose write() hands back the value, for csv.writer streaming."""

    def write(self, value):
        return value


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    first = timezone.make_aware(datetime.strptime(month, "%Y-%m"))
    return first, (first + timedelta(days=32)).replace(day=1)


def _deposit_rows(start: datetime, end: datetime):
    writer = csv.writer(_Echo())
    yield writer.writerow(["deposit_id", "booking_id", "artist", "client", "paid_at", "amount",
                           "stripe_payment_intent", "refunded"])
    deposits = (
        Deposit.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("booking__artist", "booking__client")
        .order_by("created_at")
        .iterator(chunk_size=1000)  # ok: DB002
    )
    for d in deposits:
        yield writer.writerow([
            d.id,
            d.booking_id,
            d.booking.artist.display_name,  # ok: DB001
            d.booking.client.name,
            timezone.localtime(d.created_at).isoformat(),
            f"{d.amount_cents / 100:.2f}",
            d.stripe_payment_intent,
            d.status == "refunded",
        ])


@staff_member_required
def deposits_export(request):
    month = request.GET.get("month", "")
    try:
        start, end = _month_bounds(month)
    except ValueError:
        return JsonResponse({"error": "month must look like 2024-06"}, status=400)
    logger.info("deposit export month=%s user=%s", month, request.user.id)
    response = StreamingHttpResponse(_deposit_rows(start, end), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="deposits-{month}.csv"'
    return response
