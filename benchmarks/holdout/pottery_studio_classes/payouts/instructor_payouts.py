import logging
from datetime import datetime, timezone

import requests
from dateutil.relativedelta import relativedelta
from flask import Blueprint, current_app, jsonify
from flask_login import login_required

from app import celery
from models import Instructor, Payout, PotteryClass, db

log = logging.getLogger(__name__)
bp = Blueprint("payout_admin", __name__, url_prefix="/admin/payouts")


def _period_bounds(period):
    start = datetime.strptime(period, "%Y-%m").replace(tzinfo=timezone.utc)
    return start, start + relativedelta(months=1)


def _earnings(instructor, start, end):
    taught = PotteryClass.query.filter(
        PotteryClass.instructor_id == instructor.id,
        PotteryClass.starts_at >= start,
        PotteryClass.starts_at < end,
    ).all()
    return sum(k.seats_taken for k in taught) * instructor.rate_per_student_pence


@celery.task(bind=True, max_retries=4, default_retry_delay=600)
def pay_instructors(self, period):
    start, end = _period_bounds(period)
    already_paid = {
        p.instructor_id for p in Payout.query.filter_by(period=period).all()
    }
    cfg = current_app.config
    created = 0
    for instructor in Instructor.query.filter_by(active=True).order_by(Instructor.id).all():
        if instructor.id in already_paid:
            continue
        amount = _earnings(instructor, start, end)  # expect: DB001
        if amount <= 0:
            continue
        try:
            resp = requests.post(  # expect: REL003, REL004
                f"{cfg['PAYOUTS_API_URL']}/transfers",
                json={
                    "recipient": f"instructor-{instructor.id}",
                    "amount": amount,
                    "currency": "GBP",
                    "reference": f"Claybody teaching {period}",
                },
                headers={"Authorization": f"Bearer {cfg['PAYOUTS_API_KEY']}"},
                timeout=20,
            )
            resp.raise_for_status()
        except requests.RequestException as exc:
            log.warning("payout transfer failed for instructor %s: %s", instructor.id, exc)
            raise self.retry(exc=exc)
        db.session.add(Payout(
            instructor_id=instructor.id,
            period=period,
            amount_pence=amount,
            status="sent",
            transfer_ref=resp.json().get("id"),
        ))
        created += 1
    db.session.commit()
    log.info("period %s: sent %d instructor payouts", period, created)
    return created


@bp.get("")
@login_required
def list_payouts():
    rows = Payout.query.order_by(Payout.id.desc()).all()  # expect: DB002, SEC018
    return jsonify(payouts=[
        {
            "id": p.id,
            "instructor_id": p.instructor_id,
            "period": p.period,
            "amount_pence": p.amount_pence,
            "status": p.status,
            "transfer_ref": p.transfer_ref,
        }
        for p in rows
    ])
