"""Leave requests, cancellations, the HR report and the monthly accrual for employee leave balances."""

import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text

from .db import db
from .models import Employee, LeaveBalance, LeaveRequest

bp = Blueprint("leave", __name__, url_prefix="/leave")
logger = logging.getLogger(__name__)

MONTHLY_ACCRUAL_DAYS = 2.08


def _balance_for(employee_id: int, year: int) -> LeaveBalance:
    return LeaveBalance.query.filter_by(employee_id=employee_id, year=year).one()


@bp.post("/requests")
@login_required
def request_leave():
    payload = request.get_json(force=True)
    days = float(payload["days"])
    starts_on = date.fromisoformat(payload["starts_on"])
    if days <= 0:
        return jsonify(error="days must be positive"), 400
    balance = _balance_for(current_user.employee_id, starts_on.year)
    if balance.days_remaining < days:  # expect: DB005
        return jsonify(error="not enough leave left"), 409
    balance.days_remaining -= days  # expect: DB004
    leave = LeaveRequest(employee_id=current_user.employee_id, starts_on=starts_on, days=days, status="pending")
    db.session.add(leave)
    db.session.commit()
    logger.info("leave request %s for employee %s: %.1f days", leave.id, current_user.employee_id, days)
    return jsonify(id=leave.id, days_remaining=balance.days_remaining), 201


@bp.post("/requests/<int:request_id>/cancel")
@login_required
def cancel_leave(request_id: int):
    leave = LeaveRequest.query.filter_by(id=request_id, employee_id=current_user.employee_id).first_or_404()
    if leave.status == "cancelled":  # expect: DB005
        return jsonify(error="already cancelled"), 409
    leave.status = "cancelled"
    balance = _balance_for(leave.employee_id, leave.starts_on.year)
    balance.days_remaining = balance.days_remaining + leave.days  # expect: DB004
    db.session.commit()
    return jsonify(days_remaining=balance.days_remaining)


@bp.get("/report")
@login_required
def department_report():
    if not current_user.is_hr:
        abort(403)
    department = request.args.get("department", "")
    year = int(request.args.get("year", date.today().year))
    where = f"e.department = '{department}' AND b.year = {year}"
    statement = text(
        "SELECT e.name, b.days_remaining FROM leave_balances b "
        "JOIN employees e ON e.id = b.employee_id WHERE " + where + " ORDER BY e.name LIMIT 500"
    )
    rows = db.session.execute(statement)  # expect: SEC001
    return jsonify([dict(row._mapping) for row in rows])


def accrue_monthly() -> int:
    """Adds the monthly accrual to every active employee's balance; cron runs it on the 1st."""
    year = date.today().year
    employees = Employee.query.filter_by(active=True).all()
    for employee in employees:
        balance = _balance_for(employee.id, year)  # expect: DB001
        balance.days_remaining = balance.days_remaining + MONTHLY_ACCRUAL_DAYS  # expect: DB004
        balance.last_accrued_on = date.today()
        db.session.commit()  # expect: DB003
    logger.info("accrued %.2f days for %d employees", MONTHLY_ACCRUAL_DAYS, len(employees))
    return len(employees)
