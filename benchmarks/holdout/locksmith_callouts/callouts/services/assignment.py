"""Automatic assignment of a waiting call-out to the nearest free locksmith.

Used by the dispatcher console ("assign for me") and by the escalation job when
nobody has accepted a job in time.
"""
import logging
import math

from sqlalchemy import select, update

from ..models import Callout, Locksmith, db, utcnow

logger = logging.getLogger(__name__)

CANDIDATE_LIMIT = 20


def _distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlng = math.radians(lng2 - lng1)
    a = (math.sin(dlat / 2) ** 2
         + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlng / 2) ** 2)
    return 6371 * 2 * math.asin(math.sqrt(a))


def assign_nearest(callout_id: int) -> Locksmith | None:
    """Assign the call-out to the closest on-shift locksmith with spare capacity.

    The call-out row and the candidate locksmith rows are locked, so a
    locksmith accepting the same job from the app at the same moment waits for
    this transaction and then sees the job as taken.
    """
    callout = db.session.execute(
        select(Callout).where(Callout.id == callout_id).with_for_update()
    ).scalar_one_or_none()
    if callout is None or callout.status != "open":  # ok: DB005
        db.session.rollback()
        return None

    candidates = db.session.execute(
        select(Locksmith)
        .where(
            Locksmith.city == callout.city,
            Locksmith.on_shift.is_(True),
            Locksmith.active_jobs < Locksmith.max_jobs,
            Locksmith.lat.is_not(None),
        )
        .limit(CANDIDATE_LIMIT)
        .with_for_update(skip_locked=True)
    ).scalars().all()
    if not candidates:
        db.session.rollback()
        logger.info("no free locksmith for callout=%s city=%s", callout.id, callout.city)
        return None

    best = min(candidates, key=lambda l: _distance_km(callout.lat, callout.lng, l.lat, l.lng))
    best.active_jobs += 1  # ok: DB004
    callout.status = "assigned"
    callout.locksmith_id = best.id
    callout.accepted_at = utcnow()
    db.session.commit()
    logger.info("auto-assigned callout=%s locksmith=%s", callout.id, best.id)
    return best


def release_job(callout_id: int, locksmith_id: int) -> bool:
    """Put an assigned job back on the board (locksmith's van broke down, etc.)."""
    result = db.session.execute(
        update(Callout)
        .where(Callout.id == callout_id, Callout.locksmith_id == locksmith_id,
               Callout.status == "assigned")
        .values(status="open", locksmith_id=None, accepted_at=None)
    )
    if result.rowcount == 0:
        db.session.rollback()
        return False
    db.session.execute(
        update(Locksmith)
        .where(Locksmith.id == locksmith_id, Locksmith.active_jobs > 0)
        .values(active_jobs=Locksmith.active_jobs - 1)
    )
    db.session.commit()
    return True
