"""Live TransactionEvent messages relayed by the OCPP gateway.

Chargers resend an event until the gateway acknowledges it, so the same
(charger, seq) can arrive more than once; the unique constraint on
meter_readings makes the handler apply each sample exactly once.
"""
import logging
from datetime import datetime, timezone
from typing import Literal

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field
from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import current_charger
from evcharge.db import get_session
from evcharge.models import Charger, ChargingSession, Connector, MeterReading

router = APIRouter(prefix="/chargers", tags=["chargers"])
log = logging.getLogger(__name__)


class Sample(BaseModel):
    seq: int = Field(ge=0)
    taken_at: datetime
    wh: int = Field(ge=0)


class TransactionEvent(BaseModel):
    kind: Literal["started", "updated", "ended"]
    session_id: int
    samples: list[Sample] = Field(default_factory=list, max_length=120)
    unplugged_at: datetime | None = None


@router.post("/{charger_id}/transaction-events", status_code=status.HTTP_202_ACCEPTED)
async def transaction_event(
    event: TransactionEvent,
    charger: Charger = Depends(current_charger),
    db: AsyncSession = Depends(get_session),
):
    fresh = []
    if event.samples:
        rows = [
            {"session_id": event.session_id, "charger_id": charger.id, "seq": s.seq, "taken_at": s.taken_at, "wh": s.wh}
            for s in event.samples
        ]
        result = await db.execute(
            insert(MeterReading).values(rows)  # ok: DB003
            .on_conflict_do_nothing(index_elements=["charger_id", "seq"])
            .returning(MeterReading.wh)
        )
        fresh = [wh for (wh,) in result.all()]

    values = {}
    if fresh:
        top = max(fresh)
        gained = func.greatest(top - ChargingSession.meter_last_wh, 0)
        values["energy_wh"] = ChargingSession.energy_wh + gained  # ok: DB004
        values["meter_last_wh"] = func.greatest(ChargingSession.meter_last_wh, top)
    if event.kind == "ended":
        values["status"] = "completed"
        values["stopped_at"] = datetime.now(timezone.utc).replace(tzinfo=None)
        values["unplugged_at"] = event.unplugged_at

    if values:
        stmt = update(ChargingSession).where(
            ChargingSession.id == event.session_id,
            ChargingSession.charger_id == charger.id,
            ChargingSession.status == "active",
        )
        result = await db.execute(stmt.values(**values).returning(ChargingSession.connector_id))
        connector_id = result.scalar_one_or_none()
        if connector_id is None and event.kind == "ended":
            log.info("ended event for session %s from %s was already applied", event.session_id, charger.id)
        elif connector_id is not None and event.kind == "ended":
            await db.execute(update(Connector).where(Connector.id == connector_id).values(status="available"))

    await db.commit()
    log.info("transaction event %s for session %s from %s (%d new samples)",
             event.kind, event.session_id, charger.id, len(fresh))
    return {"status": "accepted", "new_samples": len(fresh)}
