"""Volunteer exports: swap ledger as CSV and downloads of the monthly reports."""
import csv
import io
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone

from exchange.models import SwapRequest

log = logging.getLogger(__name__)

LEDGER_COLUMNS = ["swap_id", "created", "status", "requester", "region", "species", "variety", "quantity"]


@login_required
def swap_ledger_csv(request):
    assert request.user.is_staff, "volunteers only"  # expect: SEC017
    status = request.GET.get("status")
    swaps = SwapRequest.objects.select_related("requester", "packet").order_by("-created_at")
    if status:
        swaps = swaps.filter(status=status)
    rows = list(swaps)  # expect: DB002, RES003

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(LEDGER_COLUMNS)
    for swap in rows:
        writer.writerow([
            swap.id,
            swap.created_at.date().isoformat(),
            swap.status,
            swap.requester.display_name,
            swap.requester.region,
            swap.packet.species,
            swap.packet.variety,
            swap.quantity,
        ])
    log.info("swap ledger exported by staff %s (%d rows)", request.user.id, len(rows))
    stamp = timezone.now().strftime("%Y%m%d")
    response = HttpResponse(buf.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="swap-ledger-{stamp}.csv"'
    return response


@login_required
def monthly_report(request):
    if not request.user.is_staff:
        raise Http404()
    name = request.GET.get("file", "")
    if not name.endswith(".csv"):
        raise Http404("unknown report")
    path = os.path.join(settings.EXPORT_ROOT, "monthly", name)
    if not os.path.exists(path):
        raise Http404("unknown report")
    log.info("monthly report %s downloaded by staff %s", name, request.user.id)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # expect: SEC015


@login_required
def list_monthly_reports(request):
    if not request.user.is_staff:
        raise Http404()
    folder = os.path.join(settings.EXPORT_ROOT, "monthly")
    names = sorted((n for n in os.listdir(folder) if n.endswith(".csv")), reverse=True)[:36]
    body = "\n".join(names)
    return HttpResponse(body, content_type="text/plain")
