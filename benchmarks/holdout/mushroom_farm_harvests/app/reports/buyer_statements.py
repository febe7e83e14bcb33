"""Monthly statements for wholesale buyers, streamed as CSV."""

import csv
import io
import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timezone

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select, text

from ..auth.accounts import require_buyer
from ..db import SessionLocal
from ..models import Account, HarvestBatch, WholesaleOrder

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/statements", tags=["statements"])

STATEMENT_COLUMNS = ["order_id", "created_at", "strain", "qty_kg", "price_per_kg_cents", "line_total_cents", "status"]


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise HTTPException(400, "month must be YYYY-MM") from None
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time.min, timezone.utc), datetime.combine(nxt, time.min, timezone.utc)


def _csv_rows(buyer_id: int, start: datetime, end: datetime) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(STATEMENT_COLUMNS)
    with SessionLocal() as db:
        result = db.execute(
            select(WholesaleOrder.id, WholesaleOrder.created_at, HarvestBatch.strain, WholesaleOrder.qty_kg, WholesaleOrder.price_per_kg_cents, WholesaleOrder.status)
            .join(HarvestBatch, HarvestBatch.id == WholesaleOrder.batch_id)
            .where(WholesaleOrder.buyer_id == buyer_id, WholesaleOrder.created_at >= start, WholesaleOrder.created_at < end)  # ok: SEC018
            .order_by(WholesaleOrder.created_at)
            .execution_options(yield_per=500)
        )
        for row in result:  # ok: DB002
            total = int(row.qty_kg * row.price_per_kg_cents)
            writer.writerow([row.id, row.created_at.isoformat(), row.strain, row.qty_kg, row.price_per_kg_cents, total, row.status])
            if buf.tell() > 64 * 1024:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
    yield buf.getvalue()


@router.get("/{month}.csv")
def monthly_statement(month: str, account: Account = Depends(require_buyer)):
    start, end = _month_bounds(month)
    logger.info("statement %s requested by buyer %s", month, account.buyer_id)
    return StreamingResponse(
        _csv_rows(account.buyer_id, start, end),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="statement-{month}.csv"'},
    )


@router.get("/summary")
def yearly_summary(year: int = Query(..., ge=2020, le=2100), account: Account = Depends(require_buyer)):
    with SessionLocal() as db:
        rows = db.execute(
            text("SELECT date_trunc('month', created_at) AS month, sum(qty_kg) AS kg, sum(qty_kg * price_per_kg_cents) AS cents FROM wholesale_orders WHERE buyer_id = :buyer AND created_at >= make_date(:year, 1, 1) AND created_at < make_date(:year + 1, 1, 1) AND status <> 'cancelled' GROUP BY 1 ORDER BY 1"),  # ok: SEC001
            {"buyer": account.buyer_id, "year": year},
        ).all()
    return [{"month": r.month.date().isoformat(), "kg": float(r.kg), "cents": int(r.cents)} for r in rows]
