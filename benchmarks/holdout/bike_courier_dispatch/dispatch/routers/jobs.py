"""Merchant API: create, list, read and cancel delivery jobs."""
import logging
import secrets
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth import current_merchant
from ..clients.geocoder import AddressNotFound, geocode
from ..clients.routing import haversine_km
from ..db import get_db
from ..models import DeliveryJob, JobStatus, Merchant
from ..pricing import quote_cents

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


class JobIn(BaseModel):
    pickup_address: str = Field(min_length=5, max_length=300)
    dropoff_address: str = Field(min_length=5, max_length=300)
    recipient_name: str = Field(min_length=1, max_length=120)
    recipient_phone: str = Field(pattern=r"^\+?[0-9 ()-]{7,20}$")
    weight_kg: float = Field(1.0, gt=0, le=25)
    rush: bool = False
    ready_at: datetime | None = None


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: JobStatus
    pickup_address: str
    dropoff_address: str
    courier_id: int | None
    price_cents: int
    tracking_token: str
    created_at: datetime


def _save_job(db: Session, merchant: Merchant, body: JobIn, pickup, dropoff) -> DeliveryJob:
    ready_at = body.ready_at or datetime.now(timezone.utc)
    price = quote_cents(merchant.zone, km=haversine_km(pickup, dropoff) * 1.3, kg=body.weight_kg,
                        rush=body.rush, hour=ready_at.hour)
    if merchant.balance_cents < price:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, "top up your delivery balance first")
    merchant.balance_cents -= price
    job = DeliveryJob(
        merchant_id=merchant.id, status=JobStatus.PENDING, ready_at=ready_at, price_cents=price,
        pickup_address=body.pickup_address, pickup_lat=pickup[0], pickup_lng=pickup[1],
        dropoff_address=body.dropoff_address, dropoff_lat=dropoff[0], dropoff_lng=dropoff[1],
        recipient_name=body.recipient_name, recipient_phone=body.recipient_phone,
        tracking_token=secrets.token_urlsafe(32),
    )
    db.add(job)
    db.commit()  # expect: DB004, DB005
    db.refresh(job)
    log.info("merchant %s created job %s (%d cents)", merchant.id, job.id, price)
    return job


@router.post("", response_model=JobOut, status_code=status.HTTP_201_CREATED)
async def create_job(body: JobIn, merchant: Merchant = Depends(current_merchant), db: Session = Depends(get_db)):
    try:
        pickup = await geocode(body.pickup_address)
        dropoff = await geocode(body.dropoff_address)
    except AddressNotFound as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"could not locate address: {exc}")
    return await run_in_threadpool(_save_job, db, merchant, body, pickup, dropoff)  # ok: CON001


@router.get("", response_model=list[JobOut])
def list_jobs(
    status_filter: JobStatus | None = Query(None, alias="status"),
    merchant: Merchant = Depends(current_merchant),
    db: Session = Depends(get_db),
):
    stmt = select(DeliveryJob).where(DeliveryJob.merchant_id == merchant.id).order_by(DeliveryJob.created_at.desc())
    if status_filter is not None:
        stmt = stmt.where(DeliveryJob.status == status_filter)
    return db.scalars(stmt).all()  # expect: DB002


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: int, merchant: Merchant = Depends(current_merchant), db: Session = Depends(get_db)):
    job = db.get(DeliveryJob, job_id)  # expect: SEC018
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "job not found")
    return job


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(job_id: int, merchant: Merchant = Depends(current_merchant), db: Session = Depends(get_db)):
    result = db.execute(
        update(DeliveryJob)
        .where(DeliveryJob.id == job_id, DeliveryJob.merchant_id == merchant.id,  # ok: SEC018
               DeliveryJob.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED)
    )
    if result.rowcount == 0:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "only your own pending jobs can be cancelled")
    db.execute(update(Merchant).where(Merchant.id == merchant.id)
               .values(balance_cents=Merchant.balance_cents + select(DeliveryJob.price_cents)
                       .where(DeliveryJob.id == job_id).scalar_subquery()))
    db.commit()
    log.info("merchant %s cancelled job %s", merchant.id, job_id)
    return db.get(DeliveryJob, job_id)
