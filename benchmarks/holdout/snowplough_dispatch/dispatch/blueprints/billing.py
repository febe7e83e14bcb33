"""Council contract invoices: listing, detail and a finance export."""

from __future__ import annotations

import logging
from datetime import date

from sanic import Blueprint
from sanic.exceptions import BadRequest, NotFound
from sanic.response import json
from tortoise import connections

from dispatch.auth import require_role
from dispatch.models import ContractInvoice

logger = logging.getLogger(__name__)

bp = Blueprint("billing", url_prefix="/billing")

PAGE_SIZE = 50
INVOICE_STATUSES = {"draft", "sent", "paid", "disputed"}


def _serialise(invoice: ContractInvoice) -> dict:
    return {
        "id": invoice.id,
        "council": invoice.council.name,
        "contract_ref": invoice.council.contract_ref,
        "period_start": invoice.period_start.isoformat(),
        "period_end": invoice.period_end.isoformat(),
        "total": str(invoice.total),
        "status": invoice.status,
        "portal_reference": invoice.portal_reference,
    }


@bp.get("/invoices")
@require_role("council_officer", "finance")
async def list_invoices(request):
    status = request.args.get("status", "sent")
    if status not in INVOICE_STATUSES:
        raise BadRequest("unknown status")
    page = max(int(request.args.get("page", 1)), 1)

    query = ContractInvoice.filter(status=status)
    if request.ctx.user["role"] == "council_officer":
        query = query.filter(council_id=request.ctx.user["council_id"])
    invoices = (
        await query.select_related("council")
        .order_by("-period_start")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return json({"page": page, "invoices": [_serialise(i) for i in invoices]})


@bp.get("/invoices/<invoice_id:int>")
@require_role("council_officer", "finance")
async def get_invoice(request, invoice_id: int):
    invoice = await ContractInvoice.get_or_none(id=invoice_id).prefetch_related("council")  # expect: SEC018
    if invoice is None:
        raise NotFound("invoice not found")
    return json(_serialise(invoice))


@bp.get("/invoices/export")
@require_role("finance")
async def export_invoices(request):
    contract_ref = request.args.get("contract_ref", "").strip()
    try:
        year = int(request.args.get("year", date.today().year))
    except ValueError as exc:
        raise BadRequest("year must be a number") from exc
    if not contract_ref:
        raise BadRequest("contract_ref is required")

    sql = (
        "SELECT i.id, c.contract_ref, i.period_start, i.period_end, i.total, i.status "
        "FROM contractinvoice i JOIN council c ON c.id = i.council_id "
        f"WHERE c.contract_ref = '{contract_ref}' AND i.period_start >= '{year}-01-01' "
        f"AND i.period_start < '{year + 1}-01-01' ORDER BY i.period_start"
    )
    rows = await connections.get("default").execute_query_dict(sql)  # expect: SEC001
    logger.info("finance export of %s for %s: %d invoices", contract_ref, year, len(rows))
    return json(
        {
            "contract_ref": contract_ref,
            "year": year,
            "invoices": [
                {**row, "period_start": str(row["period_start"]), "period_end": str(row["period_end"]),
                 "total": str(row["total"])}
                for row in rows
            ],
        }
    )
