"""Prepaid grooming packages: customers buy N sessions and redeem one per appointment."""
import logging

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer
from ..db import get_session
from ..models import Appointment, AppointmentStatus, Customer, PackageRedemption, PrepaidPackage

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/packages", tags=["packages"])


REDEEMABLE = (AppointmentStatus.PENDING_DEPOSIT, AppointmentStatus.CONFIRMED)


class RedeemIn(BaseModel):
    appointment_id: int


@router.get("")
async def my_packages(customer: Customer = Depends(current_customer),
                      session: AsyncSession = Depends(get_session)):
    rows = (
        await session.execute(
            select(PrepaidPackage)
            .where(PrepaidPackage.customer_id == customer.id, PrepaidPackage.sessions_left > 0)
            .order_by(PrepaidPackage.id)
            .limit(50)
        )
    ).scalars()
    return [{"id": p.id, "service": p.service_code, "sessions_left": p.sessions_left} for p in rows]


@router.post("/{package_id}/redeem")
async def redeem_session(package_id: int, body: RedeemIn, customer: Customer = Depends(current_customer),
                         session: AsyncSession = Depends(get_session)):
    appointment = await session.get(Appointment, body.appointment_id)
    if appointment is None or appointment.customer_id != customer.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "appointment not found")
    if appointment.status not in REDEEMABLE:
        raise HTTPException(status.HTTP_409_CONFLICT, "appointment can no longer use a package")

    remaining = await session.scalar(
        update(PrepaidPackage)
        .where(
            PrepaidPackage.id == package_id,
            PrepaidPackage.customer_id == customer.id,
            PrepaidPackage.service_code == appointment.service_code,
            PrepaidPackage.sessions_left > 0,
        )
        .values(sessions_left=PrepaidPackage.sessions_left - 1)  # ok: DB004
        .returning(PrepaidPackage.sessions_left)
    )
    if remaining is None:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "package has no sessions left for this service")

    confirmed = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status.in_(REDEEMABLE))
        .values(status=AppointmentStatus.CONFIRMED)
    )
    if confirmed.rowcount != 1:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "appointment was cancelled meanwhile")
    session.add(PackageRedemption(package_id=package_id, appointment_id=appointment.id))
    try:
        await session.commit()  # ok: DB005
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "a package was already used for this appointment")

    logger.info("package redeemed package=%s appointment=%s remaining=%s", package_id, appointment.id, remaining)
    return {"package_id": package_id, "sessions_left": remaining}
