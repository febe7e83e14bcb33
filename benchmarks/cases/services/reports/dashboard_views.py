"""Dashboard views: the report overview page and a JSON feed for the dashboard widgets."""
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .models import Report

logger = logging.getLogger(__name__)


def _last_run_summary(report):
    run = report.runs.order_by("-finished_at").first()
    if run is None:
        return {"status": "never_run", "finished_at": None}
    return {"status": run.status, "finished_at": run.finished_at.isoformat() if run.finished_at else None}


@login_required
def dashboard(request):
    reports = Report.objects.filter(owner=request.user).order_by("name")[:100]
    cards = []
    for report in reports:
        cards.append(
            {
                "report": report,
                "run_count": report.runs.count(),  # expect: DB001
                "last_run": _last_run_summary(report),  # expect: DB001
            }
        )
    print(f"dashboard rendered for {request.user.username}: {len(cards)} cards")  # expect: OBS001
    return render(request, "reports/dashboard.html", {"cards": cards, "now": timezone.now()})


@login_required
def dashboard_feed(request):
    reports = Report.objects.filter(owner=request.user).values("id", "name", "stale", "updated_at")
    shared = Report.objects.filter(shared_with=request.user).values("id", "name", "stale", "updated_at")
    return JsonResponse(
        {
            "own": list(reports),  # expect: DB002
            "shared": list(shared[:50]),
        }
    )
