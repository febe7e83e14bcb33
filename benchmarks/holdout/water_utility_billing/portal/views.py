"""Customer portal: accounts, bill history and monthly usage for the
signed-in customer. Every query is scoped to request.user."""
from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from utility.db import connection, fetch_one, fetch_page

BILL_SORTS = {"issued": "b.issued_at", "due": "b.due_date", "amount": "b.amount"}


class PageQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=24)
    offset = serializers.IntegerField(min_value=0, default=0)
    sort = serializers.ChoiceField(choices=sorted(BILL_SORTS), default="issued")


def _owned_account(user_id: int, account_number: str) -> dict:
    acct = fetch_one(
        "SELECT id, account_number, service_address, balance, status FROM accounts "
        "WHERE account_number = %s AND customer_user_id = %s",  # ok: SEC018
        (account_number, user_id),
    )
    if acct is None:
        raise NotFound("account not found")
    return acct


class AccountListView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        with connection() as conn:
            rows = conn.execute(
                "SELECT account_number, service_address, balance, status FROM accounts "
                "WHERE customer_user_id = %s ORDER BY account_number LIMIT 50",
                (request.user.id,),
            ).fetchall()
        return Response({"accounts": rows})


class BillHistoryView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, account_number: str):
        acct = _owned_account(request.user.id, account_number)
        page = PageQuery(data=request.query_params)
        page.is_valid(raise_exception=True)
        order_by = BILL_SORTS[page.validated_data["sort"]]
        bills = fetch_page(
            "SELECT b.id, b.issued_at, b.due_date, b.usage_m3, b.amount, b.late_fee, b.status "
            f"FROM bills b WHERE b.account_id = %s ORDER BY {order_by} DESC",  # ok: SEC001
            (acct["id"],),
            page.validated_data["limit"],
            page.validated_data["offset"],
        )
        return Response({"account": acct["account_number"], "bills": bills, **page.validated_data})


class MonthlyUsageView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, account_number: str):
        acct = _owned_account(request.user.id, account_number)
        with connection() as conn:
            rows = conn.execute(
                "SELECT date_trunc('month', r.read_at) AS month, MAX(r.register_m3) - MIN(r.register_m3) AS used_m3 "
                "FROM meter_reads r JOIN meters m ON m.id = r.meter_id "
                "WHERE m.account_id = %s AND r.read_at >= now() - interval '24 months' "
                "GROUP BY 1 ORDER BY 1",
                (acct["id"],),
            ).fetchall()
        return Response({"account": acct["account_number"], "months": rows}, status=status.HTTP_200_OK)
