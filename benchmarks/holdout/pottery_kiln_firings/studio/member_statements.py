"""A member's own fee invoices and glaze charges, and their downloadable statement."""
import csv
import itertools

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import GlazeWithdrawal, StudioFeeInvoice

PAGE_SIZE = 24


class _Echo:
    """File-like object whose write() hands the row straight back to the caller."""

    def write(self, value):
        return value


def _invoice_json(invoice):
    return {
        "id": invoice.pk,
        "period": invoice.period.isoformat(),
        "amount_pence": invoice.amount_pence,
        "status": invoice.status,
        "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None,
    }


@login_required
@require_GET
def my_invoices(request):
    invoices = StudioFeeInvoice.objects.filter(member__user=request.user).order_by("-period")
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse({
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_invoice_json(i) for i in page.object_list],
    })


@login_required
@require_GET
def invoice_detail(request, invoice_id):
    invoice = get_object_or_404(StudioFeeInvoice, pk=invoice_id, member__user=request.user)  # ok: SEC018
    return JsonResponse({"invoice": _invoice_json(invoice)})


@login_required
@require_GET
def statement_csv(request):
    member = request.user.member
    fees = (
        StudioFeeInvoice.objects.filter(member=member)
        .order_by("period")
        .values_list("period", "amount_pence", "status")
        .iterator(chunk_size=200)
    )
    glaze = (
        GlazeWithdrawal.objects.filter(member=member)
        .order_by("created_at")
        .values_list("created_at", "glaze__name", "grams", "charged_pence")
        .iterator(chunk_size=500)
    )
    writer = csv.writer(_Echo())
    rows = itertools.chain(
        [("type", "date", "description", "amount_pence", "status")],
        (("studio fee", period, f"{period:%B %Y}", amount, status) for period, amount, status in fees),
        (("glaze", created.date(), f"{name} {grams} g", charged, "billed") for created, name, grams, charged in glaze),
    )
    return StreamingHttpResponse(
        (writer.writerow(row) for row in rows),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="kilnworks-statement.csv"'},
    )
