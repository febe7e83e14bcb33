"""Back-office dashboard endpoints: the loan book and retail floor actions."""
import json
import logging
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from inventory.models import Item

logger = logging.getLogger(__name__)

LOAN_BOOK_SQL = (
    "SELECT l.ticket_number, c.last_name, c.first_name, i.description, l.principal, "
    "l.accrued_interest, l.fees_due, l.amount_paid, l.due_on, l.status "
    "FROM loans_loan l "
    "JOIN inventory_customer c ON c.id = l.customer_id "
    "JOIN inventory_item i ON i.id = l.item_id "
    "WHERE l.status = %s "
    "ORDER BY {order} {direction}"
)
COLUMNS = ["ticket", "last_name", "first_name", "item", "principal", "interest", "fees", "paid", "due_on", "status"]


@login_required
@require_GET
def loan_book(request):
    loan_status = request.GET.get("status", "active")
    order = request.GET.get("sort", "l.due_on")
    direction = "DESC" if request.GET.get("desc") == "1" else "ASC"
    with connection.cursor() as cur:
        cur.execute(LOAN_BOOK_SQL.format(order=order, direction=direction), [loan_status])  # expect: SEC001
        rows = cur.fetchall()  # expect: DB002

    loans = []
    total_out = Decimal("0")
    for row in rows:
        record = dict(zip(COLUMNS, row))
        total_out += record["principal"] + record["interest"] + record["fees"] - record["paid"]
        record["due_on"] = record["due_on"].isoformat()
        for money in ("principal", "interest", "fees", "paid"):
            record[money] = str(record[money])
        loans.append(record)
    return JsonResponse({"count": len(loans), "outstanding": str(total_out), "loans": loans})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def mark_sold(request, item_id):
    try:
        payload = json.loads(request.body or b"{}")
        price = Decimal(str(payload["sold_price"]))
    except (ValueError, KeyError, InvalidOperation):
        return HttpResponseBadRequest("sold_price is required")
    if price <= 0:
        return HttpResponseBadRequest("sold_price must be positive")

    updated = Item.objects.filter(pk=item_id, status=Item.Status.RETAIL).update(  # ok: DB005
        status=Item.Status.SOLD, sold_price=price
    )
    if not updated:
        return JsonResponse({"detail": "item is not on the retail floor"}, status=409)
    logger.info("item %s sold for %s by user %s at %s", item_id, price, request.user.pk, timezone.now())
    return JsonResponse({"item_id": item_id, "status": "sold", "sold_price": str(price)})
