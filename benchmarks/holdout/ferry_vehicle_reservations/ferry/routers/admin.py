"""Port-operations endpoints: sailing manifests, reservation lists, cancellations."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ..db import get_session
from ..models import Lane, Reservation, Sailing
from ..notify.delay_batch import SmsGateway, notify_sailing_delay
from ..ops_auth import StaffUser, current_staff, require_role
from ..services.manifest import ManifestRejected, upload_manifest
from ..settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/ops", tags=["ops"], dependencies=[Depends(require_role("ops"))])

MAX_PAGE = 200


def _gateway(request: Request) -> SmsGateway:
    gateway = getattr(request.app.state, "sms_gateway", None)
    if gateway is None:
        gateway = request.app.state.sms_gateway = SmsGateway(get_settings())
    return gateway


@router.get("/sailings/{sailing_id}/reservations")
async def sailing_reservations(sailing_id: int, offset: int = Query(0, ge=0),
                               limit: int = Query(50, ge=1, le=MAX_PAGE),
                               session: AsyncSession = Depends(get_session)) -> dict:
    total = await session.scalar(
        select(func.count()).select_from(Reservation).where(Reservation.sailing_id == sailing_id))
    result = await session.execute(
        select(Reservation)
        .where(Reservation.sailing_id == sailing_id)
        .options(selectinload(Reservation.customer), selectinload(Reservation.lane))
        .order_by(Reservation.lane_id, Reservation.id)
        .offset(offset).limit(limit)
    )
    return {"total": total, "offset": offset, "items": [
        {"reference": r.reference, "vehicle_reg": r.vehicle_reg, "lane_no": r.lane.lane_no,
         "driver": r.customer.full_name, "status": r.status}
        for r in result.scalars()  # ok: DB001
    ]}


@router.post("/sailings/{sailing_id}/manifest")
async def send_manifest(sailing_id: int, session: AsyncSession = Depends(get_session)) -> dict:
    try:
        upload = await upload_manifest(session, sailing_id)
    except LookupError:
        raise HTTPException(404, "Sailing not found")
    except ManifestRejected as exc:
        log.warning("port authority rejected manifest for sailing %s: %s", sailing_id, exc)
        raise HTTPException(422, f"Port authority rejected the manifest: {exc}")
    return {"sailing_id": sailing_id, "vehicles": upload.vehicles, "ref": upload.authority_ref}


@router.post("/sailings/{sailing_id}/delay-notices")
async def resend_delay_notices(sailing_id: int, request: Request,
                               session: AsyncSession = Depends(get_session)) -> dict:
    sailing = await session.get(Sailing, sailing_id)
    if sailing is None or sailing.status != "delayed":
        raise HTTPException(409, "Sailing is not marked as delayed")
    sent = await notify_sailing_delay(session, _gateway(request), sailing)
    return {"sailing_id": sailing_id, "sent": sent}


@router.delete("/reservations/{reference}")  # ok: SEC018
async def cancel_reservation(reference: str, staff: StaffUser = Depends(current_staff),
                             session: AsyncSession = Depends(get_session)) -> dict:
    result = await session.execute(
        update(Reservation)
        .where(Reservation.reference == reference.upper(), Reservation.status != "cancelled")
        .values(status="cancelled")
        .returning(Reservation.lane_id, Reservation.vehicle_length_m)
    )
    row = result.one_or_none()
    if row is None:
        raise HTTPException(404, "No active reservation with that reference")
    await session.execute(
        update(Lane).where(Lane.id == row.lane_id).values(used_m=Lane.used_m - row.vehicle_length_m))
    await session.commit()
    log.info("reservation %s cancelled by ops user %s", reference.upper(), staff.subject)
    return {"reference": reference.upper(), "status": "cancelled"}
