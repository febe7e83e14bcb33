"""Staff reports (v2): parameterised usage SQL and a streamed allocation export."""
import csv
import logging

from django.db import connection
from django.http import StreamingHttpResponse
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from scheduling.models import SlotRequest

logger = logging.getLogger(__name__)

USAGE_COLUMNS = ["telescope", "nights", "slots", "hours"]
SORTABLE = {"telescope": "t.code", "nights": "nights", "slots": "slots", "hours": "hours"}


@api_view(["GET"])
@permission_classes([IsAdminUser])
def telescope_usage(request):
    semester = request.query_params.get("semester", "")
    order_key = request.query_params.get("order", "hours")
    if not semester:
        return Response({"detail": "semester is required"}, status=status.HTTP_400_BAD_REQUEST)
    if order_key not in SORTABLE:
        return Response({"detail": f"order must be one of {sorted(SORTABLE)}"}, status=status.HTTP_400_BAD_REQUEST)

    sql = f"""
        SELECT t.code AS telescope,
               COUNT(DISTINCT n.id) AS nights,
               COUNT(s.id) AS slots,
               COALESCE(SUM(s.hours), 0) AS hours
          FROM scheduling_slotrequest s
          JOIN scheduling_observingnight n ON n.id = s.night_id
          JOIN scheduling_telescope t ON t.id = n.telescope_id
          JOIN scheduling_proposal p ON p.id = s.proposal_id
         WHERE p.semester = %s
           AND s.status = 'allocated'
         GROUP BY t.code
         ORDER BY {SORTABLE[order_key]} DESC
    """
    with connection.cursor() as cur:
        cur.execute(sql, [semester])  # ok: SEC001
        rows = cur.fetchall()

    return Response({"semester": semester, "rows": [dict(zip(USAGE_COLUMNS, row)) for row in rows]})


class _Echo:
    """File-like object whose write() hands the line back to csv.writer's caller."""

    def write(self, value):
        return value


def _export_rows():
    writer = csv.writer(_Echo())
    yield writer.writerow(["date", "telescope", "observer", "proposal", "hours", "status"])
    queryset = (
        SlotRequest.objects.select_related("night__telescope", "observer", "proposal")
        .order_by("night__date", "night__telescope__code")
        .iterator(chunk_size=2000)
    )
    for slot in queryset:  # ok: DB001
        yield writer.writerow(
            [
                slot.night.date.isoformat(),
                slot.night.telescope.code,
                slot.observer.username,
                slot.proposal.code if slot.proposal else "",
                slot.hours,
                slot.status,
            ]
        )


@api_view(["GET"])
@permission_classes([IsAdminUser])
def allocation_export(request):
    """Every slot ever allocated, streamed as CSV; memory use stays flat."""
    logger.info("allocation export started by %s", request.user.pk)
    response = StreamingHttpResponse(_export_rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="allocations.csv"'
    return response
