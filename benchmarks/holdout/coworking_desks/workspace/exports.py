"""Staff-only CSV exports of members, desk bookings and invoices."""
import csv
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from .forms import ExportPeriodForm
from .models import Invoice, Member

logger = logging.getLogger(__name__)

DESK_BOOKINGS_SQL = """
    SELECT b.id, b.date, b.slot, d.label, m.id AS member_id, c.name AS company
    FROM workspace_deskbooking b
    JOIN workspace_desk d ON d.id = b.desk_id
    JOIN workspace_member m ON m.id = b.member_id
    LEFT JOIN workspace_company c ON c.id = m.company_id
"""


class _Echo:
    """File-like object whose write() hands the row back to the streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


@staff_member_required
@require_GET
def export_members(request):
    response, writer = _csv_response("members.csv")
    writer.writerow(["member_id", "email", "name", "company", "plan", "credit_eur"])
    for member in Member.objects.filter(is_active=True).order_by("pk"):
        user, company = member.user, member.company  # expect: DB001
        writer.writerow(
            [
                member.pk,
                user.email,
                user.get_full_name(),
                company.name if company else "",
                member.get_plan_display(),
                f"{member.account_credit_cents / 100:.2f}",
            ]
        )
    logger.info("member export by staff user %s", request.user.pk)
    return response


@staff_member_required
@require_GET
def export_desk_bookings(request):
    form = ExportPeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    start, end = form.period_bounds()
    company = form.cleaned_data.get("company") or ""
    response, writer = _csv_response(f"desk-bookings-{start:%Y-%m}.csv")
    writer.writerow(["booking_id", "date", "slot", "desk", "member_id", "company"])
    with connection.cursor() as cursor:
        if company:
            cursor.execute(
                DESK_BOOKINGS_SQL + f" WHERE c.name = '{company}' AND b.date BETWEEN %s AND %s ORDER BY b.date",  # expect: SEC001
                [start, end],
            )
        else:
            cursor.execute(DESK_BOOKINGS_SQL + " WHERE b.date BETWEEN %s AND %s ORDER BY b.date", [start, end])  # ok: SEC001
        for row in cursor.fetchall():
            writer.writerow(row)
    return response


@staff_member_required
@require_GET
def export_invoices(request):
    form = ExportPeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    first, _ = form.period_bounds()
    invoices = (
        Invoice.objects.filter(period=first)
        .select_related("member__user", "member__company")
        .order_by("pk")
        .iterator(chunk_size=2000)  # ok: DB002
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["invoice_id", "member_email", "company", "amount_eur", "status", "paid_at"])
        for invoice in invoices:
            yield writer.writerow(
                [
                    invoice.pk,
                    invoice.member.user.email,  # ok: DB001
                    invoice.member.company.name if invoice.member.company_id else "",
                    f"{invoice.amount_cents / 100:.2f}",
                    invoice.status,
                    invoice.paid_at.isoformat() if invoice.paid_at else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="invoices-{first:%Y-%m}.csv"'
    return response
