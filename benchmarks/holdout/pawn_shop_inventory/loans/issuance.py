"""Issuing a loan against an item at the counter, paid out from a cash drawer."""
import logging
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Item
from loans.models import CashDrawer, Loan

logger = logging.getLogger(__name__)

MAX_ACTIVE_LOANS = 3
LOAN_TO_VALUE = {"jewelry": Decimal("0.60"), "firearms": Decimal("0.40")}
DEFAULT_LOAN_TO_VALUE = Decimal("0.33")
MONTHLY_RATE = Decimal("0.1500")


class LoanRefused(Exception):
    pass


def max_principal(item: Item) -> Decimal:
    ratio = LOAN_TO_VALUE.get(item.category, DEFAULT_LOAN_TO_VALUE)
    return (item.appraised_value * ratio).quantize(Decimal("1"), rounding=ROUND_DOWN)


def next_ticket_number() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval('loan_ticket_seq')")
        (value,) = cur.fetchone()
    return f"T{timezone.localdate():%y}{value:07d}"


@transaction.atomic
def issue_loan(*, item: Item, principal: Decimal, term_days: int, drawer_id: int, clerk) -> Loan:
    active = Loan.objects.filter(customer_id=item.customer_id, status=Loan.Status.ACTIVE).count()  # expect: DB005
    if active >= MAX_ACTIVE_LOANS:
        raise LoanRefused(f"customer already has {active} active loans")
    if principal > max_principal(item):
        raise LoanRefused(f"principal exceeds the {max_principal(item)} limit for this item")

    drawer = CashDrawer.objects.get(pk=drawer_id)
    if drawer.balance < principal:
        raise LoanRefused("not enough cash in the drawer")
    drawer.balance -= principal  # expect: DB004
    drawer.save(update_fields=["balance", "updated_at"])

    loan = Loan.objects.create(
        ticket_number=next_ticket_number(),
        customer_id=item.customer_id,
        item=item,
        principal=principal,
        monthly_rate=MONTHLY_RATE,
        issued_by=clerk,
        due_on=timezone.localdate() + timedelta(days=term_days),
    )
    Item.objects.filter(pk=item.pk).update(status=Item.Status.PAWNED)
    return loan


class IssueLoanSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    principal = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("10.00"))
    term_days = serializers.ChoiceField(choices=[30, 60, 90])
    drawer_id = serializers.IntegerField()


class IssueLoanView(APIView):
    def post(self, request):
        data = IssueLoanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = get_object_or_404(Item, pk=data.validated_data["item_id"], status=Item.Status.PAWNED, loan__isnull=True)
        try:
            loan = issue_loan(
                item=item,
                principal=data.validated_data["principal"],
                term_days=data.validated_data["term_days"],
                drawer_id=data.validated_data["drawer_id"],
                clerk=request.user,
            )
        except LoanRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        logger.info("loan %s issued on item %s by user %s", loan.ticket_number, item.pk, request.user.pk)
        return Response(
            {"ticket_number": loan.ticket_number, "principal": str(loan.principal), "due_on": loan.due_on},
            status=status.HTTP_201_CREATED,
        )
