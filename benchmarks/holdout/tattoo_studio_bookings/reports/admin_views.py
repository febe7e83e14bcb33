"""Studio manager reports: booking export and artist takings."""
import csv
import io
import logging
from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from bookings.models import Artist, Booking

logger = logging.getLogger(__name__)

EXPORT_COLUMNS = ["booking_id", "artist", "client", "email", "phone", "starts_at", "status",
                  "deposit_paid", "placement"]


@login_required
def bookings_csv(request):  # expect: SEC018
    """All bookings as CSV for the manager's spreadsheet."""
    bookings = list(Booking.objects.select_related("client", "artist").order_by("-starts_at"))  # expect: DB002
    print(f"exporting {len(bookings)} bookings for {request.user}")  # expect: OBS001

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_COLUMNS)
    for b in bookings:
        writer.writerow([
            b.id,
            b.artist.display_name,
            b.client.name,
            b.client.email,
            b.client.phone,
            timezone.localtime(b.starts_at).isoformat(),
            b.status,
            f"{b.deposit_paid_cents / 100:.2f}",
            b.placement,
        ])
    response = HttpResponse(buf.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="bookings.csv"'
    return response


@staff_member_required
def artist_takings(request):
    """Per-artist session count and deposits for the last N days (default 30)."""
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 365)
    except ValueError:
        return JsonResponse({"error": "days must be a number"}, status=400)
    since = timezone.now() - timedelta(days=days)
    rows = (
        Artist.objects.filter(is_active=True)
        .annotate(
            sessions=Count("bookings", filter=Q(bookings__starts_at__gte=since,
                                                bookings__status=Booking.Status.COMPLETED)),
            deposits=Sum("bookings__deposit_paid_cents", filter=Q(bookings__starts_at__gte=since)),
        )
        .order_by("display_name")
    )
    data = [
        {"artist": a.display_name, "sessions": a.sessions, "deposits_cents": a.deposits or 0}
        for a in rows
    ]
    logger.info("takings report days=%s user=%s", days, request.user.id)
    return JsonResponse({"days": days, "artists": data})
