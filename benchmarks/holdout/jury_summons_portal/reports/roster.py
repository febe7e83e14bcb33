"""Panel roster and court summons listings for clerks (CSV and paginated JSON)."""
import csv
import logging

from django.contrib.auth.decorators import user_passes_test
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from summons.models import Panel, PanelSeat, Summons

logger = logging.getLogger(__name__)

clerk_required = user_passes_test(lambda u: u.is_active and u.is_staff)


class _Echo:
    def write(self, value):
        return value


def _roster_rows(panel):
    seats = (
        PanelSeat.objects.filter(panel=panel)
        .select_related("summons__juror")
        .order_by("seat_number")
    )
    yield ["seat", "badge", "last_name", "first_name", "phone"]
    for seat in seats.iterator(chunk_size=200):
        juror = seat.summons.juror  # ok: DB001
        yield [seat.seat_number, seat.summons.badge_number, juror.last_name, juror.first_name, juror.phone]


@clerk_required
@require_GET
def roster_csv(request, panel_id):
    panel = get_object_or_404(Panel, pk=panel_id)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _roster_rows(panel)), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="panel-{panel.pk}-roster.csv"'
    logger.info("roster export panel=%s user=%s", panel.pk, request.user.pk)
    return response


@clerk_required
@require_GET
def court_summons(request, court_id):
    qs = (
        Summons.objects.filter(court_id=court_id)
        .select_related("juror")
        .order_by("-service_date", "badge_number")
    )
    status = request.GET.get("status")
    if status in Summons.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse({
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {
                "badge": s.badge_number,
                "service_date": s.service_date.isoformat(),
                "status": s.status,
                "juror": f"{s.juror.last_name}, {s.juror.first_name}",
            }
            for s in page.object_list
        ],
    })
