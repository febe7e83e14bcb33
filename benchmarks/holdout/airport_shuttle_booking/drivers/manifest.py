"""Passenger manifests: a printable page for the driver's tablet and a JSON
departures sheet for the curbside coordinator."""
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookings.models import Booking, Trip

log = logging.getLogger(__name__)

SHEET_WINDOW = timedelta(hours=6)


def _passenger_rows(trip: Trip) -> list[tuple]:
    return [
        (b.passenger_name, b.party_size, b.flight_number, b.pickup_notes)
        for b in trip.bookings.filter(status=Booking.CONFIRMED).order_by("passenger_name")
    ]


@login_required
@require_GET
def trip_manifest(request, trip_id: int):
    trip = get_object_or_404(Trip.objects.select_related("vehicle"), pk=trip_id)  # expect: SEC018
    rows = _passenger_rows(trip)
    depart = timezone.localtime(trip.depart_at)
    body = "".join(
        f"<tr><td>{name}</td><td>{party}</td><td>{flight or '-'}</td><td>{notes}</td></tr>"  # expect: SEC016
        for name, party, flight, notes in rows
    )
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Manifest</title>"
        "<link rel='stylesheet' href='/static/manifest.css'></head><body>"
        f"<h1>{trip.route_code} &middot; {depart:%a %d %b %H:%M} &middot; {trip.vehicle.plate}</h1>"
        f"<p>{sum(r[1] for r in rows)} passenger(s)</p>"
        "<table><thead><tr><th>Name</th><th>Party</th><th>Flight</th><th>Notes</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )
    return HttpResponse(html)


@login_required
@permission_required("dispatch.view_board", raise_exception=True)
@require_GET
def departures_sheet(request):
    now = timezone.now()
    trips = (
        Trip.objects.filter(depart_at__gte=now, depart_at__lte=now + SHEET_WINDOW, status=Trip.SCHEDULED)
        .select_related("vehicle", "driver__user")
        .order_by("depart_at")
    )
    sheet = []
    for trip in trips:
        sheet.append({
            "trip_id": trip.pk,
            "route": trip.route_code,
            "depart_at": trip.depart_at.isoformat(),
            "vehicle": trip.vehicle.plate,
            "driver": trip.driver.user.get_full_name() if trip.driver else None,
            "passengers": _passenger_rows(trip),  # expect: DB001
        })
    log.info("departures sheet built for user %s: %d trips", request.user.pk, len(sheet))
    return JsonResponse({"generated_at": now.isoformat(), "departures": sheet})
