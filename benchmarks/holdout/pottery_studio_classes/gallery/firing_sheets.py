import csv
import io
import logging
import os
import tempfile

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from app import celery
from models import KilnBooking, KilnSlot, Member, db

log = logging.getLogger(__name__)
bp = Blueprint("firing_sheets", __name__, url_prefix="/kiln/sheets")

ALLOWED_NOTE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".pdf"}


def _sheets_dir():
    # FIRING_SHEETS_DIR is the volume shared by the web and worker pods
    return current_app.config["FIRING_SHEETS_DIR"]


@bp.get("/<int:booking_id>")
@login_required
def download_sheet(booking_id):
    booking = KilnBooking.query.filter_by(id=booking_id, member_id=current_user.id).first_or_404()
    if not booking.sheet_filename:
        abort(404)
    return send_from_directory(_sheets_dir(), booking.sheet_filename, as_attachment=True)  # ok: SEC015


@bp.post("/<int:booking_id>/notes")
@login_required
def upload_glaze_notes(booking_id):
    booking = KilnBooking.query.filter_by(id=booking_id, member_id=current_user.id).first_or_404()
    upload = request.files.get("notes")
    if upload is None:
        return jsonify(error="notes file required"), 400
    name = secure_filename(upload.filename or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_NOTE_EXTENSIONS:  # ok: SEC019
        return jsonify(error="notes must be an image or PDF"), 415
    stored = f"notes-{booking.id}{ext}"
    upload.save(os.path.join(_sheets_dir(), stored))  # ok: SCL002, SEC015
    log.info("member %s attached glaze notes to kiln booking %s", current_user.id, booking.id)
    return jsonify(stored=stored), 201


@celery.task
def build_firing_sheet(slot_id):
    slot = db.session.get(KilnSlot, slot_id)
    if slot is None:
        log.warning("firing sheet requested for missing slot %s", slot_id)
        return None
    rows = (
        db.session.query(KilnBooking, Member.display_name)
        .join(Member, Member.id == KilnBooking.member_id)
        .filter(KilnBooking.slot_id == slot.id)
        .order_by(KilnBooking.id)
        .all()
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["kiln", slot.kiln_name, "type", slot.firing_type, "fires_at", slot.fires_at.isoformat()])
    writer.writerow(["booking", "member", "shelf_units"])
    for booking, name in rows:  # ok: DB001
        writer.writerow([booking.id, name, booking.units])

    filename = f"slot-{slot.id}.csv"
    fd, tmp_path = tempfile.mkstemp(dir=_sheets_dir(), suffix=".tmp")
    with os.fdopen(fd, "w", newline="") as fh:
        fh.write(buf.getvalue())
    os.replace(tmp_path, os.path.join(_sheets_dir(), filename))

    KilnBooking.query.filter_by(slot_id=slot.id).update({KilnBooking.sheet_filename: filename})
    db.session.commit()
    log.info("firing sheet %s written with %d bookings", filename, len(rows))
    return filename
