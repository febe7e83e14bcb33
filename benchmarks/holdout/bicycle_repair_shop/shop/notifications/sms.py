"""Customer SMS updates about their repair, sent through the SMS provider's REST API."""
import logging
from datetime import datetime, timedelta, timezone

import requests
from celery import shared_task
from flask import current_app

from .. import db
from ..models import Ticket

log = logging.getLogger(__name__)

TEMPLATES = {
    "waiting_parts": "Hi {name}, your {bike} is waiting on parts. We'll text you when it's back on the stand.",
    "ready": "Hi {name}, your {bike} is ready to collect. Ticket #{ticket}.",
    "reminder": "Hi {name}, just a reminder that your {bike} is ready for pickup (ticket #{ticket}).",
}


def _post_message(to_number: str, body: str) -> str:
    cfg = current_app.config
    url = f"{cfg['SMS_API_BASE']}/Accounts/{cfg['SMS_ACCOUNT_SID']}/Messages.json"
    resp = requests.post(  # expect: REL001, REL003
        url,
        data={"To": to_number, "From": cfg["SMS_FROM_NUMBER"], "Body": body},
        auth=(cfg["SMS_ACCOUNT_SID"], cfg["SMS_AUTH_TOKEN"]),
    )
    resp.raise_for_status()
    return resp.json()["sid"]


@shared_task(
    bind=True,
    name="notifications.send_status_sms",
    autoretry_for=(requests.RequestException,),
    retry_backoff=True,
    max_retries=None,  # expect: REL002
)
def send_status_sms(self, ticket_id: int, kind: str) -> str | None:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not ticket.customer.sms_opt_in:
        return None
    body = TEMPLATES[kind].format(
        name=ticket.customer.name.split()[0],
        bike=ticket.bike_description,
        ticket=ticket.id,
    )
    sid = _post_message(ticket.customer.phone, body)
    log.info("sms %s sent for ticket %s (%s), attempt %d", sid, ticket.id, kind, self.request.retries + 1)
    return sid


@shared_task(name="notifications.pickup_reminders")
def pickup_reminders() -> int:
    """Nudge customers whose bikes have been ready for more than three days."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=3)
    waiting = (
        Ticket.query.filter(Ticket.status == "ready", Ticket.created_at < cutoff)
        .order_by(Ticket.id)
        .limit(300)
        .all()
    )
    sent = 0
    for ticket in waiting:
        customer = ticket.customer  # expect: DB001
        if not customer.sms_opt_in:
            continue
        body = TEMPLATES["reminder"].format(
            name=customer.name.split()[0], bike=ticket.bike_description, ticket=ticket.id
        )
        try:
            _post_message(customer.phone, body)
            sent += 1
        except Exception:  # expect: ERR001
            continue
    log.info("pickup reminders sent: %d of %d", sent, len(waiting))
    return sent
