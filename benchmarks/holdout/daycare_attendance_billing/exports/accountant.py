"""CSV exports and lookups for the outside accountant (staff only)."""
import csv
import io
import logging
import os
import re
from datetime import date

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse

from billing.models import Invoice, Payment

logger = logging.getLogger(__name__)

LEDGER_NAME = re.compile(r"^ledger-\d{4}-\d{2}\.csv$")


@staff_member_required
def payments_csv(request):
    payments = list(Payment.objects.order_by("received_at"))  # expect: DB002
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["payment_id", "received_at", "family", "amount", "method", "processor_ref"])
    for p in payments:
        writer.writerow([p.id, p.received_at.isoformat(), p.account.family.name,  # expect: DB001
                         p.amount, p.method, p.processor_ref or ""])
    logger.info("payments export by staff %s: %s rows", request.user.id, len(payments))
    response = HttpResponse(buf.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="payments.csv"'
    return response


@staff_member_required
def payment_lookup(request):
    ref = request.GET.get("ref", "").strip()
    if len(ref) < 4:
        return JsonResponse({"error": "enter at least 4 characters"}, status=400)
    matches = (
        Payment.objects.filter(processor_ref__icontains=ref)  # expect: DB006
        .select_related("account__family")
        .order_by("-received_at")[:50]
    )
    return JsonResponse({"results": [
        {"id": p.id, "ref": p.processor_ref, "family": p.account.family.name,
         "amount": str(p.amount), "received_at": p.received_at.isoformat()}
        for p in matches
    ]})


@staff_member_required
def monthly_ledger_file(request):
    try:
        first = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return JsonResponse({"error": "month must look like 2024-06"}, status=400)
    name = f"ledger-{first:%Y-%m}.csv"
    path = os.path.join(settings.EXPORT_DIR, name)
    invoices = Invoice.objects.filter(period=first).select_related("account__family").order_by("number")
    with open(path, "w", newline="", encoding="utf-8") as fh:  # expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(["invoice", "family", "period", "total", "status"])
        for inv in invoices.iterator(chunk_size=1000):
            writer.writerow([inv.number, inv.account.family.name, inv.period.isoformat(), inv.total, inv.status])
    logger.info("ledger %s written by staff %s", name, request.user.id)
    return JsonResponse({"file": name, "download": f"/exports/files/{name}"})


@staff_member_required
def download_export(request, name):
    if not LEDGER_NAME.match(name):
        raise Http404("no such export")
    path = os.path.join(settings.EXPORT_DIR, name)  # ok: SEC015
    if not os.path.exists(path):
        raise Http404("no such export")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type="text/csv")
