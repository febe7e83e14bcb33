"""Bulk upload of meter readings a charger buffered while it was offline.

When a charger loses its uplink it keeps sampling the meter; on reconnect the
firmware posts the backlog here in batches of up to 500 readings.
"""
import hmac
import logging
from datetime import datetime

from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import hash_charger_key
from evcharge.db import get_session
from evcharge.models import Charger, ChargingSession, MeterReading

router = APIRouter(prefix="/chargers", tags=["chargers"])
log = logging.getLogger(__name__)


class Reading(BaseModel):
    session_id: int
    seq: int = Field(ge=0)
    taken_at: datetime
    wh: int = Field(ge=0)


class ReadingBatch(BaseModel):
    firmware: str | None = None
    readings: list[Reading] = Field(min_length=1, max_length=500)


class BatchResult(BaseModel):
    accepted: int
    skipped: int


@router.post("/{charger_id}/meter-backlog", response_model=BatchResult, status_code=status.HTTP_202_ACCEPTED)
async def upload_backlog(
    charger_id: str,
    batch: ReadingBatch,
    x_charger_key: str = Header(...),
    db: AsyncSession = Depends(get_session),
):
    log.info("meter backlog from %s (%d readings) key=%s", charger_id, len(batch.readings), x_charger_key)  # expect: SEC007
    charger = await db.get(Charger, charger_id)
    if charger is None or not hmac.compare_digest(charger.api_key_hash, hash_charger_key(x_charger_key)):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown charger or bad key")

    accepted = skipped = 0
    for reading in sorted(batch.readings, key=lambda r: r.seq):
        session = await db.get(ChargingSession, reading.session_id)  # expect: DB001
        if session is None or session.charger_id != charger.id:
            skipped += 1
            continue
        delta = reading.wh - session.meter_last_wh
        if delta <= 0:
            skipped += 1
            continue
        db.add(MeterReading(
            session_id=session.id,
            charger_id=charger.id,
            seq=reading.seq,
            taken_at=reading.taken_at,
            wh=reading.wh,
        ))
        session.meter_last_wh = reading.wh
        session.energy_wh += delta  # expect: DB004
        await db.commit()  # expect: DB003
        accepted += 1

    log.info("meter backlog from %s: %d accepted, %d skipped", charger_id, accepted, skipped)
    return BatchResult(accepted=accepted, skipped=skipped)
