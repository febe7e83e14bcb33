import json
import logging

import requests as http
from flask import Blueprint, abort, jsonify, request

from newsletter.extensions import db
from newsletter.models import Subscriber
from newsletter.sns import valid_sns_signature

bp = Blueprint("ses_hooks", __name__)
logger = logging.getLogger(__name__)


def _recipients(note: dict) -> list[str]:
    if note["notificationType"] == "Bounce":
        return [r["emailAddress"].lower() for r in note["bounce"]["bouncedRecipients"]]
    if note["notificationType"] == "Complaint":
        return [r["emailAddress"].lower() for r in note["complaint"]["complainedRecipients"]]
    return []


@bp.post("/hooks/ses")
def ses_notification():
    message = json.loads(request.get_data(as_text=True))
    if not valid_sns_signature(message):
        abort(403)

    if message.get("Type") == "SubscriptionConfirmation":
        http.get(message["SubscribeURL"])  # expect: REL001
        return "", 204

    try:
        note = json.loads(message["Message"])
        new_status = "bounced" if note["notificationType"] == "Bounce" else "complained"
        for address in _recipients(note):
            Subscriber.query.filter(Subscriber.email == address).update(  # todo-expect: DB006
                {"status": new_status}, synchronize_session=False
            )
        db.session.commit()
    except Exception as e:
        logger.error(f"failed to process SES notification: {e}")  # expect: OBS002
        return jsonify(ok=True)  # expect: ERR002
    return jsonify(ok=True)
