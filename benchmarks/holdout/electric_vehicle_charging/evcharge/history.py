"""A driver's own charging history: paged JSON for the app, CSV for expense claims."""
import csv
import io
import logging
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import current_driver
from evcharge.db import SessionLocal, get_session
from evcharge.models import ChargingSession, Invoice

router = APIRouter(prefix="/me", tags=["history"])
log = logging.getLogger(__name__)

CSV_COLUMNS = ["session_id", "charger_id", "started_at", "stopped_at", "energy_kwh", "amount_cents", "invoice_status"]


class HistoryItem(BaseModel):
    id: int
    charger_id: str
    started_at: datetime
    stopped_at: datetime | None
    energy_wh: int
    amount_cents: int | None
    invoice_status: str | None


class HistoryPage(BaseModel):
    items: list[HistoryItem]
    next_before_id: int | None


def _history_query(driver_id: int):
    return (
        select(ChargingSession.id, ChargingSession.charger_id, ChargingSession.started_at,
               ChargingSession.stopped_at, ChargingSession.energy_wh,
               Invoice.amount_cents, Invoice.status.label("invoice_status"))
        .outerjoin(Invoice, Invoice.session_id == ChargingSession.id)  # ok: DB001
        .where(ChargingSession.driver_id == driver_id)
        .order_by(ChargingSession.id.desc())
    )


@router.get("/sessions", response_model=HistoryPage)
async def my_sessions(
    before_id: int | None = None,
    limit: int = Query(25, ge=1, le=100),
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    stmt = _history_query(driver_id).limit(limit)  # ok: DB002
    if before_id is not None:
        stmt = stmt.where(ChargingSession.id < before_id)
    rows = (await db.execute(stmt)).mappings().all()
    items = [HistoryItem(**r) for r in rows]
    next_id = items[-1].id if len(items) == limit else None
    return HistoryPage(items=items, next_before_id=next_id)


@router.get("/sessions.csv")
async def export_my_sessions(driver_id: int = Depends(current_driver)) -> StreamingResponse:
    async def rows() -> AsyncIterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        async with SessionLocal() as db:
            result = await db.stream(_history_query(driver_id).execution_options(yield_per=500))  # ok: RES003
            async for r in result:
                writer.writerow([r.id, r.charger_id, r.started_at.isoformat(),
                                 r.stopped_at.isoformat() if r.stopped_at else "",
                                 f"{r.energy_wh / 1000:.3f}", r.amount_cents or "", r.invoice_status or ""])
                if buf.tell() > 32_768:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
        yield buf.getvalue()

    log.info("csv export of charging history for driver %s", driver_id)
    headers = {"Content-Disposition": 'attachment; filename="charging-history.csv"'}
    return StreamingResponse(rows(), media_type="text/csv", headers=headers)
