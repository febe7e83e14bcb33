"""SMS sending with one row per (ticket, kind) so a retried task never texts twice."""
import logging

import requests
from celery import shared_task
from flask import current_app
from requests.adapters import HTTPAdapter
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from urllib3.util.retry import Retry

from .. import db
from ..models import SmsMessage, Ticket

log = logging.getLogger(__name__)

_session = requests.Session()
# only connection errors are retried here: a POST that reached the provider is never re-sent
_session.mount("https://", HTTPAdapter(max_retries=Retry(total=2, connect=2, read=0, status=0, backoff_factor=0.5)))

SMS_TIMEOUT = (3.05, 10)


class SmsDeliveryError(Exception):
    pass


def _claim(ticket_id: int, kind: str) -> SmsMessage | None:
    """Create the message row, or take over a previous attempt that never reached the provider."""
    msg = SmsMessage(ticket_id=ticket_id, kind=kind)
    db.session.add(msg)
    try:
        db.session.commit()  # ok: DB005
        return msg
    except IntegrityError:
        db.session.rollback()
    claimed = db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.ticket_id == ticket_id, SmsMessage.kind == kind, SmsMessage.status == "failed")
        .values(status="queued", attempts=SmsMessage.attempts + 1)
        .returning(SmsMessage.id)
    ).scalar_one_or_none()
    db.session.commit()
    return db.session.get(SmsMessage, claimed) if claimed else None


@shared_task(
    bind=True,
    name="notifications.send_ticket_sms",
    autoretry_for=(SmsDeliveryError,),
    retry_backoff=True,
    max_retries=4,  # ok: REL002
)
def send_ticket_sms(self, ticket_id: int, kind: str, body: str) -> str | None:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not ticket.customer.sms_opt_in:
        return None
    msg = _claim(ticket.id, kind)
    if msg is None:
        log.info("sms %s for ticket %s already sent or in flight", kind, ticket.id)
        return None

    cfg = current_app.config
    try:
        resp = _session.post(  # ok: REL001, REL003
            f"{cfg['SMS_API_BASE']}/Accounts/{cfg['SMS_ACCOUNT_SID']}/Messages.json",
            data={"To": ticket.customer.phone, "From": cfg["SMS_FROM_NUMBER"], "Body": body},
            auth=(cfg["SMS_ACCOUNT_SID"], cfg["SMS_AUTH_TOKEN"]),
            timeout=SMS_TIMEOUT,
        )
    except requests.ConnectionError as exc:
        msg.status = "failed"
        db.session.commit()
        raise SmsDeliveryError(str(exc)) from exc
    except requests.Timeout:
        # the provider may have accepted it; leave the row "queued" for the reconciler
        log.warning("sms %s for ticket %s timed out, left for reconciliation", kind, ticket.id)
        return None

    if resp.status_code >= 500:
        msg.status = "failed"
        db.session.commit()
        raise SmsDeliveryError(f"provider returned {resp.status_code}")
    if resp.status_code >= 400:
        msg.status = "rejected"
        db.session.commit()
        log.warning("sms %s for ticket %s rejected: %s", kind, ticket.id, resp.status_code)
        return None

    msg.status = "sent"
    msg.provider_sid = resp.json().get("sid")
    db.session.commit()
    log.info("sms %s for ticket %s sent as %s", kind, ticket.id, msg.provider_sid)
    return msg.provider_sid
