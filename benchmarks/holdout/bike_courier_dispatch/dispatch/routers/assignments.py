"""Dispatcher console: assign jobs to couriers and find jobs by recipient phone."""
import json
import logging
import re

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth import require_dispatcher
from ..clients.routing import haversine_km
from ..db import get_db
from ..models import Courier, CourierStatus, DeliveryJob, JobStatus, Merchant
from ..worker import enqueue_status_webhook
from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/v1/dispatch", tags=["dispatch"], dependencies=[Depends(require_dispatcher)])
_redis = aioredis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)


def _nearest_idle_courier(db: Session, lat: float, lng: float) -> Courier | None:
    idle = db.scalars(
        select(Courier).where(Courier.status == CourierStatus.IDLE, Courier.on_shift.is_(True),
                              Courier.last_lat.is_not(None))
    ).all()
    return min(idle, key=lambda c: haversine_km((lat, lng), (c.last_lat, c.last_lng)), default=None)


def _assign(db: Session, job_id: int, courier_id: int | None) -> tuple[DeliveryJob, Courier, str | None]:
    job = db.get(DeliveryJob, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "job not found")
    if job.status != JobStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, f"job is already {job.status}")
    courier = db.get(Courier, courier_id) if courier_id else _nearest_idle_courier(db, job.pickup_lat, job.pickup_lng)
    if courier is None or courier.status != CourierStatus.IDLE:
        raise HTTPException(status.HTTP_409_CONFLICT, "no idle courier available")
    job.courier_id = courier.id
    job.status = JobStatus.ASSIGNED
    courier.status = CourierStatus.BUSY
    db.commit()  # expect: DB005
    webhook_url = db.scalar(select(Merchant.webhook_url).where(Merchant.id == job.merchant_id))
    return job, courier, webhook_url


@router.post("/jobs/{job_id}/assign")
async def assign_job(job_id: int, courier_id: int | None = None, db: Session = Depends(get_db)):
    job, courier, webhook_url = _assign(db, job_id, courier_id)  # expect: CON001
    await _redis.publish(
        f"courier:{courier.id}:jobs",
        json.dumps({"job_id": job.id, "pickup": job.pickup_address, "dropoff": job.dropoff_address}),
    )
    if webhook_url:
        enqueue_status_webhook(webhook_url, {"job_id": job.id, "status": job.status, "courier": courier.name})
    log.info("job %s assigned to courier %s", job.id, courier.id)
    return {"job_id": job.id, "courier_id": courier.id, "status": job.status}


@router.get("/jobs/by-phone")
def jobs_by_phone(phone: str = Query(min_length=7, max_length=20), db: Session = Depends(get_db)):
    digits = re.sub(r"\D", "", phone)
    stmt = select(DeliveryJob).where(func.regexp_replace(DeliveryJob.recipient_phone, r"\D", "", "g") == digits).order_by(DeliveryJob.created_at.desc()).limit(20)  # expect: DB006
    return [
        {"id": j.id, "status": j.status, "recipient": j.recipient_name, "dropoff": j.dropoff_address,
         "created_at": j.created_at}
        for j in db.scalars(stmt)
    ]


@router.get("/couriers/idle")
def idle_couriers(db: Session = Depends(get_db)):
    couriers = db.scalars(
        select(Courier).where(Courier.status == CourierStatus.IDLE, Courier.on_shift.is_(True)).order_by(Courier.name)
    ).all()
    return [{"id": c.id, "name": c.name, "lat": c.last_lat, "lng": c.last_lng} for c in couriers]
