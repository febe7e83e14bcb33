"""Crew run sheets and the office's visit export."""
import csv
import io
import logging
from datetime import date, timedelta

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import db
from ..models import Appointment

bp = Blueprint("crew_reports", __name__, url_prefix="/reports")
logger = logging.getLogger(__name__)

MAX_EXPORT_DAYS = 31


def _csv_stream(header, rows):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buf.tell() > 64 * 1024:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate(0)
    yield buf.getvalue()


@bp.get("/crews/<int:crew_id>/run-sheet.csv")
@login_required
def run_sheet(crew_id):
    if current_user.role == "crew" and current_user.crew_id != crew_id:
        abort(404)
    if current_user.role not in ("crew", "office", "admin"):
        abort(403)
    day = date.fromisoformat(request.args.get("day") or date.today().isoformat())

    visits = db.session.execute(
        select(Appointment)
        .options(joinedload(Appointment.property), joinedload(Appointment.customer))
        .where(Appointment.crew_id == crew_id, Appointment.day == day, Appointment.status == "booked")
        .order_by(Appointment.slot)
    ).scalars().all()  # ok: DB002

    rows = (
        [v.slot, v.customer.full_name, v.property.address_line, v.property.postcode,
         v.property.flue_count, v.property.access_notes or ""]
        for v in visits  # ok: DB001
    )
    header = ["Slot", "Customer", "Address", "Postcode", "Flues", "Access notes"]
    return Response(_csv_stream(header, rows), mimetype="text/csv")


@bp.get("/visits.csv")
@login_required
def visits_export():
    """All visits in a date range for the office; streamed, never held in memory."""
    if current_user.role not in ("office", "admin"):
        abort(403)
    start = date.fromisoformat(request.args["from"])
    end = date.fromisoformat(request.args.get("to") or start.isoformat())
    if end < start or end - start > timedelta(days=MAX_EXPORT_DAYS):
        abort(400, description=f"range must be 0-{MAX_EXPORT_DAYS} days")

    stmt = (
        select(Appointment)
        .options(joinedload(Appointment.property), joinedload(Appointment.crew))
        .where(Appointment.day >= start, Appointment.day <= end)
        .order_by(Appointment.day, Appointment.crew_id, Appointment.slot)
        .execution_options(yield_per=500)
    )

    def rows():
        for appt in db.session.execute(stmt).scalars():
            yield [appt.day.isoformat(), appt.crew.name, appt.slot, appt.property.postcode,
                   appt.status, appt.deposit_status or "", appt.no_show_fee_status or ""]

    logger.info("office user %s exported visits %s..%s", current_user.id, start, end)
    header = ["Day", "Crew", "Slot", "Postcode", "Status", "Deposit", "No-show fee"]
    return Response(stream_with_context(_csv_stream(header, rows())), mimetype="text/csv")
