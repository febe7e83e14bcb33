"""Locksmith app endpoints: accept, start and complete call-out jobs."""
import logging

from flask import Blueprint, g, jsonify
from sqlalchemy import update

from ..auth import require_locksmith
from ..models import Callout, Locksmith, db, utcnow

logger = logging.getLogger(__name__)
bp = Blueprint("dispatch", __name__, url_prefix="/api/jobs")


@bp.get("/open")
@require_locksmith
def open_jobs():
    locksmith = db.session.get(Locksmith, g.identity_id)
    jobs = db.session.execute(
        db.select(Callout)
        .filter_by(city=locksmith.city, status="open")
        .order_by(Callout.created_at)
        .limit(25)
    ).scalars()
    return jsonify(items=[job.to_dict() for job in jobs])


@bp.post("/<int:callout_id>/accept")
@require_locksmith
def accept_job(callout_id: int):
    locksmith = db.session.get(Locksmith, g.identity_id)
    callout = db.session.get(Callout, callout_id)
    if callout is None or callout.city != locksmith.city:
        return jsonify(error="not found"), 404
    if callout.status != "open":
        return jsonify(error="job already taken"), 409
    if locksmith.active_jobs >= locksmith.max_jobs:
        return jsonify(error="finish a current job first"), 409

    callout.status = "assigned"  # expect: DB005
    callout.locksmith_id = locksmith.id
    callout.accepted_at = utcnow()
    locksmith.active_jobs = locksmith.active_jobs + 1  # expect: DB004
    db.session.commit()

    logger.info("job accepted callout=%s locksmith=%s request_id=%s", callout.id, locksmith.id, g.request_id)
    return jsonify(callout.to_dict())


@bp.post("/<int:callout_id>/start")
@require_locksmith
def start_job(callout_id: int):
    result = db.session.execute(
        update(Callout)
        .where(Callout.id == callout_id, Callout.locksmith_id == g.identity_id, Callout.status == "assigned")
        .values(status="en_route")
    )
    db.session.commit()
    if result.rowcount == 0:
        return jsonify(error="job is not assigned to you or already started"), 409
    return jsonify(id=callout_id, status="en_route")


@bp.post("/<int:callout_id>/complete")
@require_locksmith
def complete_job(callout_id: int):
    result = db.session.execute(
        update(Callout)
        .where(
            Callout.id == callout_id,
            Callout.locksmith_id == g.identity_id,
            Callout.status.in_(("assigned", "en_route")),
        )
        .values(status="completed", completed_at=utcnow())
    )
    if result.rowcount == 0:
        db.session.rollback()
        return jsonify(error="job is not assigned to you or already completed"), 409

    db.session.execute(
        update(Locksmith)
        .where(Locksmith.id == g.identity_id, Locksmith.active_jobs > 0)
        .values(active_jobs=Locksmith.active_jobs - 1)  # ok: DB004
    )
    db.session.commit()
    logger.info("job completed callout=%s locksmith=%s request_id=%s", callout_id, g.identity_id, g.request_id)
    return jsonify(id=callout_id, status="completed")
