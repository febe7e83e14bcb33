"""Server-rendered landlord pages: dashboard, report detail, archived PDFs."""
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views import View

from screening.models import BureauReport, ScreeningOrder

logger = logging.getLogger(__name__)

RECOMMENDATION_LABELS = {
    "accept": "Meets criteria",
    "conditional": "Meets criteria with conditions",
    "decline": "Does not meet criteria",
}


def _score_for(order):
    report = BureauReport.objects.filter(order=order).only("score", "recommendation").first()
    if report is None:
        return None, "Pending"
    return report.score, RECOMMENDATION_LABELS.get(report.recommendation, "Review manually")


@login_required
def landlord_dashboard(request):
    orders = (
        ScreeningOrder.objects.filter(landlord__user=request.user)
        .select_related("applicant")
        .order_by("-created_at")[:50]
    )
    rows = []
    for order in orders:
        score, label = _score_for(order)  # expect: DB001
        rows.append(
            {
                "id": order.pk,
                "applicant": order.applicant.full_name,
                "package": order.package.title(),
                "status": order.get_status_display(),
                "score": score,
                "recommendation": label,
            }
        )
    return render(request, "screening/dashboard.html", {"rows": rows})


class ReportDetailView(LoginRequiredMixin, View):
    template_name = "screening/report_detail.html"

    def get(self, request, order_id):
        try:
            report = BureauReport.objects.select_related("order__applicant").get(order_id=order_id)  # expect: SEC018
        except BureauReport.DoesNotExist:
            raise Http404("No report for this order yet")
        context = {
            "report": report,
            "applicant": report.order.applicant,
            "label": RECOMMENDATION_LABELS.get(report.recommendation, "Review manually"),
        }
        return render(request, self.template_name, context)


@login_required
def archived_report_pdf(request):
    """Reports older than the S3 retention window were archived to the NFS share by filename."""
    name = request.GET.get("file", "")
    if not name.endswith(".pdf"):
        raise Http404("Unknown report")
    path = os.path.join(settings.REPORT_ARCHIVE_DIR, name)
    if not os.path.exists(path):
        raise Http404("Unknown report")
    data = open(path, "rb").read()  # expect: SEC015, SEC018, RES001
    logger.info("archived report served user=%s file=%s", request.user.pk, name)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{os.path.basename(name)}"'
    return response
