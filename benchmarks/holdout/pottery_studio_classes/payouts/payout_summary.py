import logging
from datetime import datetime, timezone
from functools import wraps

import requests
from dateutil.relativedelta import relativedelta
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app import celery
from models import Instructor, Payout, PotteryClass, db

log = logging.getLogger(__name__)
bp = Blueprint("payouts", __name__, url_prefix="/payouts")


def admin_only(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def earnings_by_instructor(period):
    start = datetime.strptime(period, "%Y-%m").replace(tzinfo=timezone.utc)
    end = start + relativedelta(months=1)
    return (
        db.session.query(
            Instructor.id,
            Instructor.display_name,
            (func.coalesce(func.sum(PotteryClass.seats_taken), 0)
             * Instructor.rate_per_student_pence).label("amount"),
        )
        .outerjoin(PotteryClass, (PotteryClass.instructor_id == Instructor.id)
                   & (PotteryClass.starts_at >= start) & (PotteryClass.starts_at < end))
        .filter(Instructor.active.is_(True))
        .group_by(Instructor.id)
        .order_by(Instructor.id)
    )


@bp.get("/summary")
@login_required
@admin_only
def summary():
    period = request.args.get("period") or f"{datetime.now(timezone.utc):%Y-%m}"
    page = request.args.get("page", 1, type=int)
    rows = earnings_by_instructor(period).limit(50).offset((page - 1) * 50).all()  # ok: DB001, DB002
    return jsonify(period=period, page=page, instructors=[
        {"id": r.id, "name": r.display_name, "amount_pence": int(r.amount)} for r in rows
    ])


@celery.task(bind=True, max_retries=5, retry_backoff=True)
def settle_instructor(self, instructor_id, period, amount_pence):
    payout = Payout(instructor_id=instructor_id, period=period,
                    amount_pence=amount_pence, status="pending")
    db.session.add(payout)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        payout = Payout.query.filter_by(instructor_id=instructor_id, period=period).one()
        if payout.status == "sent":
            return payout.transfer_ref

    cfg = current_app.config
    try:
        resp = requests.post(  # ok: REL003, REL004
            f"{cfg['PAYOUTS_API_URL']}/transfers",
            json={"recipient": f"instructor-{instructor_id}", "amount": payout.amount_pence,
                  "currency": "GBP", "reference": f"Claybody teaching {period}"},
            headers={"Authorization": f"Bearer {cfg['PAYOUTS_API_KEY']}",
                     "Idempotency-Key": f"payout-{payout.id}"},
            timeout=(3, 20),
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        log.warning("transfer for payout %s failed, will retry: %s", payout.id, exc)
        raise self.retry(exc=exc)

    payout.status = "sent"
    payout.transfer_ref = resp.json()["id"]
    db.session.commit()
    log.info("payout %s sent for instructor %s period %s", payout.id, instructor_id, period)
    return payout.transfer_ref
