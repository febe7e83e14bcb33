"""Driver-facing endpoints to start, stop and inspect charging sessions."""
import asyncio
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import current_driver
from evcharge.charger_gateway import GatewayError, gateway
from evcharge.db import get_session
from evcharge.models import Charger, ChargingSession, Connector

router = APIRouter(prefix="/sessions", tags=["sessions"])
log = logging.getLogger(__name__)


class StartRequest(BaseModel):
    connector_id: int


class SessionOut(BaseModel):
    id: int
    status: str
    connector_id: int
    started_at: datetime
    stopped_at: datetime | None
    energy_wh: int


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
async def start_session(
    body: StartRequest,
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    connector = await db.get(Connector, body.connector_id)
    if connector is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown connector")
    reserved_for_me = connector.status == "reserved" and connector.reserved_by == driver_id
    if connector.status != "available" and not reserved_for_me:
        raise HTTPException(status.HTTP_409_CONFLICT, f"connector is {connector.status}")
    charger = await db.get(Charger, connector.charger_id)

    session = ChargingSession(
        driver_id=driver_id,
        connector_id=connector.id,
        charger_id=charger.id,
        site_id=charger.site_id,
        status="active",
        started_at=_utcnow(),
    )
    connector.status = "charging"
    connector.reserved_by = None
    db.add(session)
    await db.commit()  # expect: DB005

    try:
        session.transaction_ref = gateway.remote_start(charger.id, connector.connector_no, f"drv-{driver_id}")  # expect: CON001
    except GatewayError:
        log.warning("remote start failed for session %s on %s", session.id, charger.id, exc_info=True)
        session.status = "failed"
        connector.status = "available"
        await db.commit()
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "the charger did not accept the start command")
    await db.commit()
    log.info("session %s started by driver %s on %s/%s", session.id, driver_id, charger.id, connector.connector_no)
    return session


@router.post("/{session_id}/stop", response_model=SessionOut)
async def stop_session(
    session_id: int,
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    session = await db.get(ChargingSession, session_id)  # expect: SEC018
    if session is None or session.status != "active":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no active session with that id")
    try:
        await asyncio.to_thread(gateway.remote_stop, session.charger_id, session.transaction_ref)  # ok: CON001
    except GatewayError:
        log.warning("remote stop failed for session %s", session.id, exc_info=True)
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "the charger did not accept the stop command")
    # energy and the final status arrive with the charger's TransactionEvent(Ended)
    log.info("stop requested for session %s by driver %s", session.id, driver_id)
    return session


@router.get("/{session_id}", response_model=SessionOut)
async def get_session_detail(
    session_id: int,
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    session = (
        await db.execute(
            select(ChargingSession).where(
                ChargingSession.id == session_id, ChargingSession.driver_id == driver_id  # ok: SEC018
            )
        )
    ).scalar_one_or_none()
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session")
    return session
