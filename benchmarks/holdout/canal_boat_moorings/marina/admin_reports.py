"""Marina office reports: contract arrears and the season's booking export."""
import csv
import logging
from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from .models import BerthBooking

log = logging.getLogger(__name__)


@staff_member_required
@require_GET
def arrears(request):
    """Winter contracts with failed or missing monthly payments, per marina."""
    marina_code = request.GET.get("marina", "")
    season = request.GET.get("season", "")
    with connection.cursor() as cursor:
        cursor.execute(  # expect: SEC001
            f"""
            SELECT c.id, b.label, bt.name, u.email, count(cc.id) FILTER (WHERE cc.status = 'failed') AS failed,
                   sum(cc.amount_pence) FILTER (WHERE cc.status = 'failed') AS owed_pence
            FROM marina_wintercontract c
            JOIN marina_berth b ON b.id = c.berth_id
            JOIN marina_marina m ON m.id = b.marina_id
            JOIN marina_boat bt ON bt.id = c.boat_id
            JOIN auth_user u ON u.id = bt.owner_id
            LEFT JOIN marina_contractcharge cc ON cc.contract_id = c.id
            WHERE m.code = '{marina_code}' AND c.season = '{season}'
            GROUP BY c.id, b.label, bt.name, u.email
            HAVING count(cc.id) FILTER (WHERE cc.status = 'failed') > 0
            ORDER BY owed_pence DESC
            """
        )
        columns = [col[0] for col in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    log.info("arrears report for %s %s: %d contracts", marina_code, season, len(rows))
    return JsonResponse({"marina": marina_code, "season": season, "contracts": rows})


@staff_member_required
@require_GET
def bookings_export(request):
    """CSV of every visitor booking, for the accountant."""
    bookings = list(  # expect: DB002
        BerthBooking.objects.select_related("berth__marina", "boat", "owner").order_by("arrives")
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="bookings-{date.today().isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["id", "marina", "berth", "boat", "owner_email", "arrives", "departs", "status", "total_pence"])
    for b in bookings:
        writer.writerow([
            b.pk, b.berth.marina.code, b.berth.label, b.boat.name, b.owner.email,
            b.arrives.isoformat(), b.departs.isoformat(), b.status, b.total_pence,
        ])
    return response
