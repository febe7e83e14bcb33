import hashlib
import hmac
import json
import logging
import threading
import time
from datetime import datetime, timezone

import requests
from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select

from helpdesk.app import csrf
from helpdesk.models import ChatWebhook, Ticket, get_session

logger = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/integrations")

SLACK_MAX_SKEW_S = 300


def _payload(event: str, ticket: Ticket) -> dict:
    return {
        "text": f"{event}: #{ticket.id} {ticket.subject} ({ticket.status})",
        "ticket": {
            "id": ticket.id,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee_id": ticket.assignee_id,
        },
    }


def _deliver(url: str, payload: dict) -> None:
    logger.info("posting chat webhook to %s", url)  # expect: SEC007
    try:
        resp = requests.post(url, json=payload, timeout=5, verify=False)  # expect: SEC011
        resp.raise_for_status()
    except requests.RequestException:
        logger.exception("chat webhook delivery failed")


def notify_chat(event: str, ticket: Ticket) -> None:
    hooks = get_session().scalars(
        select(ChatWebhook).where(ChatWebhook.team_id == ticket.team_id, ChatWebhook.enabled.is_(True))
    ).all()
    payload = _payload(event, ticket)
    for hook in hooks:
        threading.Thread(target=_deliver, args=(hook.url, payload), daemon=True).start()  # expect: CON003, REL005


def _slack_signature_ok(req) -> bool:
    timestamp = req.headers.get("X-Slack-Request-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > SLACK_MAX_SKEW_S:
        return False
    basestring = f"v0:{timestamp}:{req.get_data(as_text=True)}"
    secret = current_app.config["SLACK_SIGNING_SECRET"].encode()
    expected = "v0=" + hmac.new(secret, basestring.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, req.headers.get("X-Slack-Signature", ""))


@bp.post("/slack/actions")
@csrf.exempt  # ok: SEC014
def slack_action():
    if not _slack_signature_ok(request):
        abort(401)
    payload = json.loads(request.form["payload"])
    action = payload["actions"][0]
    session = get_session()
    ticket = session.get(Ticket, int(action["value"])) or abort(404)
    if action["action_id"] == "close_ticket":
        ticket.status = "closed"
        ticket.resolved_at = datetime.now(timezone.utc)
    elif action["action_id"] == "reopen_ticket":
        ticket.status = "open"
        ticket.resolved_at = None
    else:
        return jsonify(text="Unknown action"), 400
    session.commit()
    logger.info("slack user %s set ticket %s to %s", payload.get("user", {}).get("id"), ticket.id, ticket.status)
    return jsonify(text=f"Ticket #{ticket.id} is now {ticket.status}")
