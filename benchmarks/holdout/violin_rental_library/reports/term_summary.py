"""Staff reports: per-school term totals and a CSV export of the term's invoices."""
from __future__ import annotations

import csv
import logging

from django.db.models import Count, Q, Sum
from django.http import StreamingHttpResponse
from ninja import Router

from accounts.auth import require_staff
from rentals.models import Rental, TermInvoice
from rentals.schemas import SchoolTermRow

logger = logging.getLogger(__name__)

router = Router(tags=["reports"])


class _Echo:
    """File-like object whose write() hands the line back to csv.writer."""

    def write(self, value: str) -> str:
        return value


@router.get("/terms/{term}/schools", response=list[SchoolTermRow])
def school_totals(request, term: str):
    require_staff(request)
    rentals = (
        Rental.objects.filter(term=term)
        .values("student__school__name")
        .annotate(
            active=Count("id", filter=Q(returned_on__isnull=True)),
            rent_to_own=Count("id", filter=Q(rent_to_own=True)),
        )
    )
    invoices = {
        row["student__school__name"]: row
        for row in TermInvoice.objects.filter(term=term)
        .values("student__school__name")
        .annotate(
            invoiced=Sum("total_pence"),
            paid=Sum("total_pence", filter=Q(status=TermInvoice.Status.PAID)),
        )
    }
    result = []
    for row in rentals:
        name = row["student__school__name"]
        money = invoices.get(name, {})
        result.append(
            SchoolTermRow(
                school=name,
                active_rentals=row["active"],
                rent_to_own=row["rent_to_own"],
                invoiced_pence=money.get("invoiced") or 0,
                paid_pence=money.get("paid") or 0,
            )
        )
    return sorted(result, key=lambda r: r.school)


@router.get("/terms/{term}/invoices.csv")
def invoices_csv(request, term: str):
    require_staff(request)
    rows = (
        TermInvoice.objects.filter(term=term)
        .select_related("student__school", "student__guardian")
        .order_by("student__school__name", "student__last_name")
        .values_list(
            "pk", "student__school__name", "student__last_name", "student__first_name",
            "student__guardian__email", "total_pence", "status", "due_on",
        )
    )
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow(["invoice", "school", "last_name", "first_name", "email", "total_pence", "status", "due_on"])
        for row in rows.iterator(chunk_size=1000):  # ok: DB002, RES003
            yield writer.writerow(row)

    logger.info("user %s exported invoices for %s", request.user.pk, term)
    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="invoices-{term}.csv"'
    return response
