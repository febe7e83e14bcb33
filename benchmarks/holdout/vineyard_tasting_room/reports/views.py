"""Staff reports for the tasting room manager and the shipping team."""
import csv
import logging
import re

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from club.models import ClubMembership, ClubShipment

log = logging.getLogger(__name__)
QUARTER_RE = re.compile(r"^\d{4}-Q[1-4]$")


@staff_member_required
def club_roster(request):
    members = list(ClubMembership.objects.filter(is_active=True).select_related("member").order_by("member__last_name"))  # expect: DB002
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="club-roster.csv"'
    writer = csv.writer(response)
    writer.writerow(["last_name", "first_name", "email", "tier", "paused_until", "city", "state"])
    for m in members:
        writer.writerow([
            m.member.last_name, m.member.first_name, m.member.email, m.tier,
            m.paused_until.isoformat() if m.paused_until else "",
            m.ship_to.get("city", ""), m.ship_to.get("state", ""),
        ])
    log.info("staff %s exported club roster (%d members)", request.user.pk, len(members))
    return response


@staff_member_required
def vintage_sales(request):
    quarter = request.GET.get("quarter", "")
    if not QUARTER_RE.match(quarter):
        return HttpResponseBadRequest("quarter must look like 2024-Q3")
    order_by = request.GET.get("order", "bottles")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.label, v.year, SUM(l.quantity) AS bottles, SUM(l.quantity * l.unit_price_cents) AS revenue "
            "FROM club_shipmentline l "
            "JOIN inventory_vintage v ON v.id = l.vintage_id "
            "JOIN club_clubshipment s ON s.id = l.shipment_id "
            "WHERE s.quarter = %s AND s.status IN ('paid', 'shipped') "
            "GROUP BY v.label, v.year ORDER BY " + order_by + " DESC",  # expect: SEC001
            [quarter],
        )
        rows = cur.fetchall()
    return render(request, "reports/vintage_sales.html", {"rows": rows, "quarter": quarter})


@staff_member_required
def packing_slip(request, shipment_id: int):
    shipment = get_object_or_404(
        ClubShipment.objects.select_related("membership__member").prefetch_related("lines__vintage"),
        pk=shipment_id,
    )
    gift_note = mark_safe(shipment.gift_message.replace("\n", "<br>"))  # expect: SEC016
    return render(request, "reports/packing_slip.html", {
        "shipment": shipment,
        "member": shipment.membership.member,
        "ship_to": shipment.membership.ship_to,
        "lines": shipment.lines.all(),
        "gift_note": gift_note,
    })
