"""Dashboard API: paginated report cards with run statistics for the SPA dashboard."""
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import JsonResponse

from .models import Report, ReportRun

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


@login_required
def report_cards(request):
    last_status = ReportRun.objects.filter(report=OuterRef("pk")).order_by("-finished_at").values("status")[:1]
    owned = Report.objects.filter(owner=request.user).order_by("name")
    reports = owned.annotate(run_count=Count("runs"), last_finished_at=Max("runs__finished_at"), last_status=Subquery(last_status))  # ok: DB001
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))  # ok: DB002
    logger.debug("report cards page %s for user %s", page.number, request.user.pk)
    return JsonResponse(
        {
            "cards": [
                {
                    "id": r.pk,
                    "name": r.name,
                    "run_count": r.run_count,
                    "last_status": r.last_status or "never_run",
                    "last_finished_at": r.last_finished_at.isoformat() if r.last_finished_at else None,
                }
                for r in page.object_list
            ],
            "page": page.number,
            "pages": page.paginator.num_pages,
        }
    )


@login_required
def shared_reports(request):
    shared = Report.objects.filter(shared_with=request.user).order_by("-updated_at").values("id", "name", "stale")
    return JsonResponse({"shared": list(shared[:50])})  # ok: DB002
