import logging
import os
import uuid
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.utils import secure_filename

from helpdesk.models import Attachment, Ticket, get_session

logger = logging.getLogger(__name__)
bp = Blueprint("attachments", __name__, url_prefix="/tickets/<int:ticket_id>/attachments")

CHUNK_SIZE = 64 * 1024


def _extension_allowed(filename: str) -> bool:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext in current_app.config["ALLOWED_ATTACHMENT_EXT"]


def _ticket_dir(ticket_id: int) -> str:
    return os.path.join(current_app.config["ATTACHMENT_ROOT"], str(ticket_id))


@bp.post("")
@login_required
def upload(ticket_id: int):
    session = get_session()
    ticket = session.get(Ticket, ticket_id) or abort(404)
    incoming = request.files.get("file")
    if incoming is None or not incoming.filename:
        return jsonify(error="no file supplied"), 400

    original = secure_filename(incoming.filename)  # ok: SEC015
    if not original or not _extension_allowed(original):
        return jsonify(error="file type not allowed"), 415

    stored_name = f"{uuid.uuid4().hex}_{original}"
    folder = _ticket_dir(ticket.id)
    os.makedirs(folder, exist_ok=True)
    size = 0
    with open(os.path.join(folder, stored_name), "wb") as out:  # ok: SCL002
        while chunk := incoming.stream.read(CHUNK_SIZE):
            size += len(chunk)
            out.write(chunk)

    attachment = Attachment(
        ticket_id=ticket.id,
        filename=original,
        stored_name=stored_name,
        content_type=incoming.mimetype or "application/octet-stream",
        size_bytes=size,
        created_at=datetime.now(timezone.utc),
    )
    session.add(attachment)
    session.commit()
    logger.info("attachment %s (%d bytes) added to ticket %s by agent %s", attachment.id, size, ticket.id, current_user.id)
    return jsonify(id=attachment.id, filename=original, size=size), 201


@bp.get("/<int:attachment_id>")
@login_required
def download(ticket_id: int, attachment_id: int):
    attachment = get_session().scalars(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.ticket_id == ticket_id)
    ).first()
    if attachment is None:
        abort(404)
    return send_from_directory(  # ok: SEC015
        _ticket_dir(ticket_id),
        attachment.stored_name,
        as_attachment=True,
        download_name=attachment.filename,
        mimetype="application/octet-stream",
    )


@bp.get("")
@login_required
def list_attachments(ticket_id: int):
    rows = get_session().scalars(
        select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.created_at)
    ).all()
    return jsonify(items=[{"id": a.id, "filename": a.filename, "size": a.size_bytes} for a in rows])
