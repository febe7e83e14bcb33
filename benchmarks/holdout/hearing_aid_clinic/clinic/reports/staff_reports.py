"""Staff dashboard, patient search and the 07:00 digest e-mail."""
import functools
import logging
import os
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required
from jinja2 import Environment, FileSystemLoader

from clinic.models import Appointment, AvailabilitySlot, Patient, db
from clinic.tasks.reminders import send_email

bp = Blueprint("staff_reports", __name__, url_prefix="/staff/reports")
logger = logging.getLogger(__name__)

_templates = Environment(  # expect: SEC016
    loader=FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _require_staff() -> None:
    if not current_user.is_staff:
        abort(403)


@functools.lru_cache(maxsize=None)  # expect: RES002
def _search_patients(term: str) -> tuple:
    rows = db.session.execute(
        db.select(Patient.id, Patient.first_name, Patient.last_name, Patient.date_of_birth, Patient.phone)
        .where(Patient.last_name.ilike(f"%{term}%"))  # expect: DB006
        .order_by(Patient.last_name, Patient.first_name)
        .limit(50)
    ).all()
    return tuple(tuple(r) for r in rows)


@bp.get("/dashboard")
@login_required
def dashboard():
    _require_staff()
    now = datetime.now(timezone.utc)
    upcoming = db.session.execute(
        db.select(Appointment, AvailabilitySlot, Patient)
        .join(AvailabilitySlot, AvailabilitySlot.id == Appointment.slot_id)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.status == "booked", AvailabilitySlot.starts_at >= now)
        .order_by(AvailabilitySlot.starts_at)
    ).all()  # expect: DB002
    return _templates.get_template("dashboard.html").render(
        user=current_user,
        rows=upcoming,
        generated_at=now,
    )


@bp.get("/patients")
@login_required
def patient_search():
    _require_staff()
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        abort(400, description="search needs at least two characters")
    results = _search_patients(term.lower())
    return _templates.get_template("patient_search.html").render(term=term, results=results)


def send_daily_digest() -> int:
    """E-mail each recipient the list of today's appointments."""
    today = date.today()
    start = datetime.combine(today, time.min, tzinfo=timezone.utc)
    rows = db.session.execute(
        db.select(Appointment.kind, Appointment.notes, AvailabilitySlot.starts_at, AvailabilitySlot.location,
                  Patient.first_name, Patient.last_name)
        .join(AvailabilitySlot, AvailabilitySlot.id == Appointment.slot_id)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.status == "booked",
               AvailabilitySlot.starts_at >= start,
               AvailabilitySlot.starts_at < start + timedelta(days=1))
        .order_by(AvailabilitySlot.location, AvailabilitySlot.starts_at)
    ).all()
    body = _templates.get_template("digest.txt").render(day=today, rows=rows)
    recipients = current_app.config["DIGEST_RECIPIENTS"]
    for address in recipients:
        send_email(address, f"Appointments for {today:%A %d %B}", body)
    logger.info("daily digest for %s sent to %d recipient(s), %d appointment(s)", today, len(recipients), len(rows))
    return len(rows)
