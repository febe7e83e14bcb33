"""Back-office tools for the support team."""
import logging
import os
import subprocess

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from screening.models import BureauReport, ScreeningOrder

logger = logging.getLogger(__name__)

RECONCILIATION_COLUMNS = ["id", "bureau", "bureau_reference", "status", "submitted_at", "company_name"]


@login_required
def bureau_reconciliation(request):
    """Orders by status, compared by hand with the bureau's monthly invoice."""
    assert request.user.is_staff, "staff only"  # expect: SEC017
    order_status = request.GET.get("status", "submitted")
    bureau = request.GET.get("bureau", "")
    sql = (
        "SELECT o.id, o.bureau, o.bureau_reference, o.status, o.submitted_at, l.company_name "
        "FROM screening_screeningorder o JOIN screening_landlordprofile l ON l.id = o.landlord_id "
        f"WHERE o.status = '{order_status}'"
    )
    if bureau:
        sql += f" AND o.bureau = '{bureau}'"
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY o.submitted_at")  # expect: SEC001
        rows = cursor.fetchall()  # expect: DB002
    records = [dict(zip(RECONCILIATION_COLUMNS, row)) for row in rows]
    return render(request, "screening/admin/reconciliation.html", {"records": records, "status": order_status})


@login_required
@require_POST
def regenerate_report_pdf(request, order_id):
    """Re-renders a report PDF from the bureau's HTML version when the original PDF was corrupt."""
    if not request.user.is_staff:
        return HttpResponseForbidden("staff only")
    order = get_object_or_404(ScreeningOrder, pk=order_id)
    report = get_object_or_404(BureauReport, order=order)
    source_url = request.POST["source_url"]
    out_path = f"/tmp/report-{order.pk}.pdf"
    try:
        subprocess.run(f"wkhtmltopdf --quiet {source_url} {out_path}", shell=True, check=True, timeout=120)  # expect: SEC002
        with open(out_path, "rb") as fh:
            key = default_storage.save(f"reports/{order.landlord_id}/{order.pk}-regenerated.pdf", fh)
    finally:
        if os.path.exists(out_path):
            os.remove(out_path)
    report.s3_key = key
    report.save(update_fields=["s3_key"])
    print(f"regenerated report for order {order.pk} by {request.user.pk}")  # expect: OBS001
    return JsonResponse({"order_id": order.pk, "s3_key": key})
