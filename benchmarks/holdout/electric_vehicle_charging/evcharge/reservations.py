"""Hold a connector for a driver who is on the way (15 minutes by default)."""
import logging
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.auth import current_driver
from evcharge.charger_gateway import GatewayError, gateway
from evcharge.db import get_session
from evcharge.models import Connector
from evcharge.settings import settings

router = APIRouter(prefix="/connectors", tags=["reservations"])
log = logging.getLogger(__name__)


class ReservationOut(BaseModel):
    connector_id: int
    reserved_until: datetime


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@router.post("/{connector_id}/reservation", status_code=status.HTTP_201_CREATED, response_model=ReservationOut)
async def reserve_connector(
    connector_id: int,
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    until = _utcnow() + timedelta(minutes=settings.reservation_minutes)
    result = await db.execute(
        update(Connector)
        .where(Connector.id == connector_id, Connector.status == "available")  # ok: DB005
        .values(status="reserved", reserved_by=driver_id, reserved_until=until)
        .returning(Connector.id)
    )
    if result.scalar_one_or_none() is None:
        await db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "connector is not available")
    await db.commit()
    log.info("driver %s reserved connector %s until %s", driver_id, connector_id, until.isoformat())
    return ReservationOut(connector_id=connector_id, reserved_until=until)


@router.delete("/{connector_id}/reservation", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_reservation(
    connector_id: int,
    driver_id: int = Depends(current_driver),
    db: AsyncSession = Depends(get_session),
):
    result = await db.execute(
        update(Connector)
        .where(
            Connector.id == connector_id,
            Connector.reserved_by == driver_id,  # ok: SEC018
            Connector.status == "reserved",
        )
        .values(status="available", reserved_by=None, reserved_until=None)
        .returning(Connector.charger_id, Connector.connector_no)
    )
    row = result.first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no reservation of yours on this connector")
    await db.commit()

    # chargers with locking sockets hold the cable for the reserving driver
    try:
        await run_in_threadpool(gateway.unlock_connector, row.charger_id, row.connector_no)  # ok: CON001
    except GatewayError:
        log.warning("unlock after cancel failed on connector %s; charger releases it on timeout", connector_id)
    log.info("driver %s cancelled reservation on connector %s", driver_id, connector_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
