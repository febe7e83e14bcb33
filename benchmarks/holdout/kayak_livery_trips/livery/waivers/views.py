"""Signed waiver PDFs: upload, thumbnail preview and download (v1 endpoints)."""
import logging
import os
import subprocess

from flask import Blueprint, abort, jsonify, request, send_file
from flask_login import current_user, login_required

from .. import db
from ..models import Booking, Waiver

bp = Blueprint("waivers", __name__)
logger = logging.getLogger(__name__)

WAIVER_ROOT = os.environ.get("WAIVER_ROOT", "/srv/livery/waivers")


def _thumbnail(pdf_path):
    """Render the first page as a 320px PNG next to the PDF."""
    out_prefix = pdf_path[:-4] if pdf_path.lower().endswith(".pdf") else pdf_path
    subprocess.run(  # expect: SEC002
        f"pdftoppm -png -singlefile -scale-to 320 '{pdf_path}' '{out_prefix}'",
        shell=True,
        check=True,
        timeout=30,
    )
    return out_prefix + ".png"


def _own_booking(booking_id):
    booking = db.session.execute(
        db.select(Booking).filter_by(id=booking_id, customer_id=current_user.id)
    ).scalar_one_or_none()
    if booking is None:
        abort(404)
    return booking


@bp.post("/bookings/<int:booking_id>/waivers")
@login_required
def upload_waiver(booking_id):
    booking = _own_booking(booking_id)
    upload = request.files.get("waiver")
    if upload is None or not upload.filename:
        return jsonify(error="attach the signed waiver as 'waiver'"), 400

    folder = os.path.join(WAIVER_ROOT, str(booking.id))
    os.makedirs(folder, exist_ok=True)
    dest = os.path.join(folder, upload.filename)  # expect: SEC015
    upload.save(dest)  # expect: SCL002, SEC019

    try:
        thumb = _thumbnail(dest)
    except subprocess.CalledProcessError:
        logger.warning("could not render waiver preview for booking %s", booking.id, exc_info=True)
        thumb = None

    waiver = Waiver(
        booking_id=booking.id,
        customer_id=current_user.id,
        object_key=dest,
        original_name=upload.filename,
        size_bytes=os.path.getsize(dest),
    )
    db.session.add(waiver)
    db.session.commit()
    logger.info("waiver %s stored for booking %s", waiver.id, booking.id)
    return jsonify(id=waiver.id, preview=os.path.basename(thumb) if thumb else None), 201


@bp.get("/waivers/<int:waiver_id>")
@login_required
def download_waiver(waiver_id):
    waiver = db.session.execute(
        db.select(Waiver).filter_by(id=waiver_id, customer_id=current_user.id)
    ).scalar_one_or_none()
    if waiver is None:
        abort(404)
    return send_file(  # ok: SEC015
        waiver.object_key,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"waiver-{waiver.booking_id}.pdf",
    )
