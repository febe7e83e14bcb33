import logging
import re
import secrets

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import IntegrityError

from newsletter.extensions import db
from newsletter.models import MailingList, Subscriber

bp = Blueprint("subscribe", __name__)
logger = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


@bp.post("/lists/<int:list_id>/subscribe")
def subscribe(list_id: int):
    form = request.get_json(silent=True) or request.form
    email = str(form.get("email", "")).strip().lower()
    if len(email) > 254 or not EMAIL_RE.fullmatch(email):
        return jsonify(error="please enter a valid email address"), 400

    mailing_list = db.session.get(MailingList, list_id)
    if mailing_list is None or not mailing_list.public:
        return jsonify(error="list not found"), 404

    # The confirmation mail is sent by the send_pending_confirmations beat task.
    subscriber = Subscriber(
        list_id=list_id,
        email=email,
        first_name=str(form.get("first_name", "")).strip()[:80] or None,
        status="pending",
        confirm_token=secrets.token_urlsafe(32),  # ok: SEC010
    )
    db.session.add(subscriber)
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        logger.info("repeat signup list_id=%s", list_id)
        return jsonify(status="pending"), 202

    logger.info("signup recorded list_id=%s subscriber_id=%s", list_id, subscriber.id)
    return jsonify(status="pending"), 202


@bp.get("/confirm/<token>")
def confirm(token: str):
    updated = (
        Subscriber.query.filter_by(confirm_token=token, status="pending")
        .update({"status": "active", "confirm_token": None}, synchronize_session=False)
    )
    db.session.commit()
    if not updated:
        return jsonify(error="link is invalid or was already used"), 404
    return jsonify(status="active")
