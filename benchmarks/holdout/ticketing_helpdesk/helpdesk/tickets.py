import logging
import os
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, render_template_string, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from helpdesk.models import Attachment, CannedReply, Ticket, TicketMessage, get_session
from helpdesk.webhooks import notify_chat

logger = logging.getLogger(__name__)
bp = Blueprint("tickets", __name__, url_prefix="/tickets")

PER_PAGE = 50
STATUSES = ("open", "pending", "on_hold", "closed")


@bp.before_request
@login_required
def _agents_only():
    return None


@bp.get("/")
def queue():
    status = request.args.get("status", "open")
    if status not in STATUSES:
        abort(400)
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = (
        select(Ticket)
        .where(Ticket.status == status)
        .order_by(Ticket.created_at.desc())
        .limit(PER_PAGE)  # ok: DB002
        .offset((page - 1) * PER_PAGE)
    )
    tickets = get_session().scalars(stmt).all()
    return render_template("tickets/queue.html", tickets=tickets, status=status, page=page)


@bp.get("/search")
def search():
    requester = request.args.get("requester", "").strip()
    if not requester:
        return redirect(url_for("tickets.queue"))
    rows = get_session().execute(text(f"SELECT id, subject, status, created_at FROM tickets WHERE requester_email = '{requester}' ORDER BY created_at DESC LIMIT 50")).all()  # expect: SEC001
    return render_template("tickets/search.html", rows=rows, requester=requester)


@bp.get("/<int:ticket_id>")
def detail(ticket_id: int):
    session = get_session()
    ticket = session.scalars(
        select(Ticket).where(Ticket.id == ticket_id).options(selectinload(Ticket.messages), selectinload(Ticket.attachments))  # ok: DB001
    ).first()
    if ticket is None:
        abort(404)
    history = session.scalars(
        select(Ticket).where(func.lower(Ticket.requester_email) == ticket.requester_email.lower(), Ticket.id != ticket.id).order_by(Ticket.created_at.desc()).limit(10)  # todo-expect: DB006
    ).all()
    canned = session.scalars(select(CannedReply).where(CannedReply.team_id == ticket.team_id).order_by(CannedReply.title)).all()
    return render_template("tickets/detail.html", ticket=ticket, history=history, canned=canned)


@bp.post("/<int:ticket_id>/preview-reply")
def preview_reply(ticket_id: int):
    session = get_session()
    ticket = session.get(Ticket, ticket_id) or abort(404)
    canned = session.get(CannedReply, request.form.get("canned_id", type=int)) or abort(404)
    opening = f"Hi {{{{ customer }}}},\n\nThanks for getting in touch about \"{ticket.subject}\".\n\n"
    preview = render_template_string(opening + canned.body, customer=ticket.requester_email.split("@")[0], agent=current_user.name)  # expect: SEC016
    return jsonify(preview=preview)


@bp.post("/")
def create():
    subject = request.form.get("subject", "").strip()
    requester = request.form.get("requester_email", "").strip().lower()
    if not subject or "@" not in requester:
        abort(400)
    now = datetime.now(timezone.utc)
    session = get_session()
    ticket = Ticket(subject=subject[:255], requester_email=requester, status="open", priority=request.form.get("priority", "normal"), team_id=request.form.get("team_id", type=int), created_at=now)
    session.add(ticket)
    session.flush()
    session.add(TicketMessage(ticket_id=ticket.id, author_email=current_user.email, body=request.form.get("body", ""), created_at=now))

    upload_dir = current_app.config["UPLOAD_DIR"]
    os.makedirs(upload_dir, exist_ok=True)
    for upload in request.files.getlist("attachments"):
        if not upload.filename:
            continue
        path = os.path.join(upload_dir, upload.filename)  # expect: SEC015
        upload.save(path)  # expect: SCL002
        session.add(Attachment(ticket_id=ticket.id, filename=upload.filename, stored_name=path, content_type=upload.mimetype, size_bytes=os.path.getsize(path), created_at=now))
    session.commit()
    logger.info("ticket %s created by agent %s", ticket.id, current_user.id)
    notify_chat("ticket.created", ticket)
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))


@bp.post("/<int:ticket_id>/close")
def close(ticket_id: int):
    session = get_session()
    ticket = session.get(Ticket, ticket_id) or abort(404)
    ticket.status = "closed"
    ticket.resolved_at = datetime.now(timezone.utc)
    session.commit()
    logger.info("ticket %s closed by agent %s", ticket.id, current_user.id)
    notify_chat("ticket.closed", ticket)
    return redirect(url_for("tickets.detail", ticket_id=ticket.id))
