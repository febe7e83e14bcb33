"""Loan book as a paginated API and as a streamed CSV for the accountant."""
import csv

from django.contrib.auth.decorators import login_required, permission_required
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET
from rest_framework import generics, serializers

from loans.models import Loan

ORDERINGS = {
    "due_on": "due_on",
    "-due_on": "-due_on",
    "issued": "issued_at",
    "-issued": "-issued_at",
    "principal": "principal",
    "-principal": "-principal",
}
EXPORT_FIELDS = ["ticket_number", "customer__last_name", "customer__first_name", "item__description",
                 "principal", "accrued_interest", "fees_due", "amount_paid", "due_on", "status"]


class LoanRowSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.last_name")
    item = serializers.CharField(source="item.description")

    class Meta:
        model = Loan
        fields = ["ticket_number", "customer", "item", "principal", "accrued_interest", "fees_due",
                  "amount_paid", "due_on", "status"]


class LoanBookList(generics.ListAPIView):
    """Paginated with the project default (PAGE_SIZE = 50)."""

    serializer_class = LoanRowSerializer

    def get_queryset(self):
        order = ORDERINGS.get(self.request.query_params.get("sort", ""), "due_on")
        status = self.request.query_params.get("status", Loan.Status.ACTIVE)
        return (
            Loan.objects.filter(status=status)  # ok: DB002
            .select_related("customer", "item")
            .order_by(order, "pk")
        )


class _Echo:
    def write(self, value):
        return value


@login_required
@permission_required("loans.view_loan", raise_exception=True)
@require_GET
def loan_book_csv(request):
    order = ORDERINGS.get(request.GET.get("sort", ""), "due_on")
    rows = (
        Loan.objects.filter(status=request.GET.get("status", Loan.Status.ACTIVE))
        .order_by(order, "pk")
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow(EXPORT_FIELDS)
        for row in rows:  # ok: RES003
            yield writer.writerow(row)

    return StreamingHttpResponse(
        stream(),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="loan-book.csv"'},
    )
