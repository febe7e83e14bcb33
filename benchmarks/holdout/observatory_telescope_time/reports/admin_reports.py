"""Staff reports: telescope usage per semester and the full allocation export."""
import csv
import io
import logging

from django.db import connection
from django.http import HttpResponse
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from scheduling.models import SlotRequest

logger = logging.getLogger(__name__)

USAGE_COLUMNS = ["telescope", "nights", "slots", "hours"]


@api_view(["GET"])
@permission_classes([IsAdminUser])
def telescope_usage(request):
    semester = request.query_params.get("semester", "")
    order = request.query_params.get("order", "hours")
    if not semester:
        return Response({"error": "semester is required"})  # todo-expect: MNT001

    sql = f"""
        SELECT t.code AS telescope,
               COUNT(DISTINCT n.id) AS nights,
               COUNT(s.id) AS slots,
               COALESCE(SUM(s.hours), 0) AS hours
          FROM scheduling_slotrequest s
          JOIN scheduling_observingnight n ON n.id = s.night_id
          JOIN scheduling_telescope t ON t.id = n.telescope_id
          JOIN scheduling_proposal p ON p.id = s.proposal_id
         WHERE p.semester = '{semester}'
           AND s.status = 'allocated'
         GROUP BY t.code
         ORDER BY {order} DESC
    """
    with connection.cursor() as cur:
        cur.execute(sql)  # expect: SEC001
        rows = cur.fetchall()

    logger.info("usage report for %s requested by %s", semester, request.user.pk)
    return Response(
        {
            "semester": semester,
            "rows": [dict(zip(USAGE_COLUMNS, row)) for row in rows],
        }
    )


@api_view(["GET"])
@permission_classes([IsAdminUser])
def allocation_export(request):
    """Every slot ever allocated, as CSV, for the observatory's annual report."""
    slots = list(  # expect: DB002
        SlotRequest.objects.select_related("night__telescope", "observer", "proposal").order_by(
            "night__date", "night__telescope__code"
        )
    )

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["date", "telescope", "observer", "proposal", "hours", "status"])
    for slot in slots:
        writer.writerow(
            [
                slot.night.date.isoformat(),
                slot.night.telescope.code,
                slot.observer.username,
                slot.proposal.code if slot.proposal else "",
                slot.hours,
                slot.status,
            ]
        )

    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="allocations.csv"'
    logger.info("allocation export (%d rows) for %s", len(slots), request.user.pk)
    return response
