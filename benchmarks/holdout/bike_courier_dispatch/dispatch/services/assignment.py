"""Auto-dispatch: a courier who becomes free claims the oldest ready job.

Many couriers press "I'm free" at once around lunchtime. The courier row is
flipped IDLE -> BUSY with a conditional UPDATE, and the job is taken with
``FOR UPDATE SKIP LOCKED`` so each job goes to exactly one courier.
"""
import asyncio
import logging
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import session_scope
from ..models import Courier, CourierStatus, DeliveryJob, JobStatus

log = logging.getLogger(__name__)


def claim_next_job(db: Session, courier_id: int) -> DeliveryJob | None:
    marked = db.execute(
        update(Courier)
        .where(Courier.id == courier_id, Courier.status == CourierStatus.IDLE)  # ok: DB005
        .values(status=CourierStatus.BUSY)
    )
    if marked.rowcount == 0:
        db.rollback()
        return None

    job = db.scalars(
        select(DeliveryJob)
        .where(DeliveryJob.status == JobStatus.PENDING, DeliveryJob.ready_at <= datetime.now(timezone.utc))
        .order_by(DeliveryJob.ready_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if job is None:
        db.rollback()
        return None

    job.status = JobStatus.ASSIGNED
    job.courier_id = courier_id
    db.commit()  # ok: DB004
    log.info("courier %s claimed job %s", courier_id, job.id)
    return job


def release_courier(db: Session, courier_id: int, job_id: int, delivered: bool) -> bool:
    """Finish (or hand back) a job and mark the courier idle again, in one transaction."""
    new_status = JobStatus.DELIVERED if delivered else JobStatus.PENDING
    done = db.execute(
        update(DeliveryJob)
        .where(DeliveryJob.id == job_id, DeliveryJob.courier_id == courier_id,
               DeliveryJob.status.in_([JobStatus.ASSIGNED, JobStatus.PICKED_UP]))
        .values(status=new_status, courier_id=None if not delivered else courier_id)
    )
    if done.rowcount == 0:
        db.rollback()
        return False
    db.execute(update(Courier).where(Courier.id == courier_id).values(status=CourierStatus.IDLE))
    db.commit()
    return True


def _claim_in_new_session(courier_id: int) -> dict | None:
    with session_scope() as db:
        job = claim_next_job(db, courier_id)
        if job is None:
            return None
        return {"job_id": job.id, "pickup": job.pickup_address, "dropoff": job.dropoff_address,
                "recipient": job.recipient_name}


async def claim_next_job_async(courier_id: int) -> dict | None:
    """For async endpoints: the blocking database work runs in a worker thread."""
    return await asyncio.to_thread(_claim_in_new_session, courier_id)  # ok: CON001
