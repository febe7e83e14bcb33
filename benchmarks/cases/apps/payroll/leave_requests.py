"""Leave requests, cancellations, the HR report and the monthly accrual, with atomic balance updates."""

import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text, update

from .db import db
from .models import LeaveBalance, LeaveRequest

bp = Blueprint("leave_requests", __name__, url_prefix="/leave")
logger = logging.getLogger(__name__)

MONTHLY_ACCRUAL_DAYS = 2.08


@bp.post("/requests")
@login_required
def submit_leave():
    payload = request.get_json(force=True)
    days = float(payload["days"])
    starts_on = date.fromisoformat(payload["starts_on"])
    if days <= 0:
        return jsonify(error="days must be positive"), 400
    deduct = (
        update(LeaveBalance)
        .where(
            LeaveBalance.employee_id == current_user.employee_id,
            LeaveBalance.year == starts_on.year,
            LeaveBalance.days_remaining >= days,
        )
        .values(days_remaining=LeaveBalance.days_remaining - days)
        .returning(LeaveBalance.days_remaining)
    )
    remaining = db.session.execute(deduct).scalar_one_or_none()  # ok: DB004
    if remaining is None:  # ok: DB005
        db.session.rollback()
        return jsonify(error="not enough leave left"), 409
    leave = LeaveRequest(employee_id=current_user.employee_id, starts_on=starts_on, days=days, status="pending")
    db.session.add(leave)
    db.session.commit()
    logger.info("leave request %s for employee %s: %.1f days", leave.id, current_user.employee_id, days)
    return jsonify(id=leave.id, days_remaining=remaining), 201


@bp.post("/requests/<int:request_id>/cancel")
@login_required
def withdraw_leave(request_id: int):
    cancel = (
        update(LeaveRequest)
        .where(
            LeaveRequest.id == request_id,
            LeaveRequest.employee_id == current_user.employee_id,
            LeaveRequest.status != "cancelled",
        )
        .values(status="cancelled")
        .returning(LeaveRequest.days, LeaveRequest.starts_on)
    )
    cancelled = db.session.execute(cancel).one_or_none()
    if cancelled is None:  # ok: DB005
        return jsonify(error="no such open request"), 409
    refund = (
        update(LeaveBalance)
        .where(LeaveBalance.employee_id == current_user.employee_id, LeaveBalance.year == cancelled.starts_on.year)
        .values(days_remaining=LeaveBalance.days_remaining + cancelled.days)
    )
    db.session.execute(refund)  # ok: DB004
    db.session.commit()
    return jsonify(cancelled=request_id)


@bp.get("/report")
@login_required
def department_report():
    if not current_user.is_hr:
        abort(403)
    statement = text(
        "SELECT e.name, b.days_remaining FROM leave_balances b "
        "JOIN employees e ON e.id = b.employee_id "
        "WHERE e.department = :department AND b.year = :year ORDER BY e.name LIMIT 500"
    )
    params = {"department": request.args.get("department", ""), "year": int(request.args.get("year", date.today().year))}
    rows = db.session.execute(statement, params)  # ok: SEC001
    return jsonify([dict(row._mapping) for row in rows])


def accrue_monthly() -> int:
    """Adds the monthly accrual to every active employee's balance once per month."""
    today = date.today()
    first_of_month = today.replace(day=1)
    accrual = (
        update(LeaveBalance)
        .where(LeaveBalance.year == today.year, LeaveBalance.last_accrued_on < first_of_month)
        .values(days_remaining=LeaveBalance.days_remaining + MONTHLY_ACCRUAL_DAYS, last_accrued_on=today)
    )
    updated = db.session.execute(accrual).rowcount  # ok: DB004
    db.session.commit()
    logger.info("accrued %.2f days for %d balances", MONTHLY_ACCRUAL_DAYS, updated)
    return updated
