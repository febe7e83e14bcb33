"""Celery tasks: sending orders to the press, tracking them, and customer e-mails."""
import logging
import os
import pickle
import smtplib
import socket
from email.message import EmailMessage

import redis
import requests
from celery import shared_task

from .app import db
from .models import Customer, Order, PrintJob, Quote

logger = logging.getLogger(__name__)

PRESS_HOST = os.environ.get("PRINT_SERVER_HOST", "press-01.lan")
PRESS_JDF_PORT = 9100
PRESS_API = f"http://{PRESS_HOST}:8080/api"
SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.printshop.example")
FROM_ADDRESS = "orders@printshop.example"

_presets = redis.Redis.from_url(os.environ.get("PRESET_REDIS_URL", "redis://localhost:6379/2"), socket_timeout=5)  # ok: REL001


def _load_preset(name: str) -> dict:
    raw = _presets.get(f"press:preset:{name}")
    if raw is None:
        raise LookupError(f"press preset {name!r} is not configured")
    return pickle.loads(raw)  # expect: SEC004


def _ticket(order: Order) -> bytes:
    preset = _load_preset(order.quote.product.press_preset)
    return (
        f"JOB order-{order.id}\nQTY {order.quote.quantity}\nMEDIA {preset['media']}\n"
        f"PROFILE {preset['icc_profile']}\nSOURCE s3://{preset['bucket']}/orders/{order.id}.pdf\nEND\n"
    ).encode()


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def submit_print_job(self, order_id: int):
    order = db.session.get(Order, order_id)
    ticket = _ticket(order)
    try:
        sock = socket.create_connection((PRESS_HOST, PRESS_JDF_PORT))  # expect: REL001, RES001
        sock.sendall(ticket)  # expect: REL003
        external_id = sock.recv(64).decode().strip()
        sock.close()
    except OSError as exc:
        raise self.retry(exc=exc)
    db.session.add(PrintJob(order_id=order.id, external_id=external_id, status="queued"))
    order.status = "printing"
    db.session.commit()


@shared_task
def poll_press_status():
    jobs = PrintJob.query.filter(PrintJob.status.in_(["queued", "printing"])).order_by(PrintJob.id).limit(1000).all()
    finished = []
    for job in jobs:
        try:
            resp = requests.get(f"{PRESS_API}/jobs/{job.external_id}", timeout=5)  # ok: REL001
            resp.raise_for_status()
        except requests.RequestException as exc:
            logger.error(f"status poll failed for print job {job.id}: {exc}")  # expect: OBS002
            continue
        state = resp.json()["state"]
        if state == "rejected":
            print(f"press rejected job {job.id}: {resp.json().get('reason')}")  # expect: OBS001
            job.status = "rejected"
        elif state == "done":
            job.status = "printed"
            job.order.status = "printed"  # expect: DB001
            finished.append(job.order_id)
    db.session.commit()
    from .shipping import buy_label

    for order_id in finished:
        buy_label.delay(order_id)  # ok: REL004


def _send_email(to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = FROM_ADDRESS, to, subject
    msg.set_content(body)
    with smtplib.SMTP(SMTP_HOST, 587, timeout=10) as smtp:  # ok: REL001, RES001
        smtp.starttls()
        smtp.login(os.environ.get("SMTP_USER", ""), os.environ.get("SMTP_PASSWORD", ""))  # ok: SEC005
        smtp.send_message(msg)


@shared_task(autoretry_for=(smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected), max_retries=3, retry_backoff=True)
def send_order_confirmation(order_id: int):
    order = db.session.get(Order, order_id)
    customer = db.session.get(Customer, order.customer_id)
    _send_email(customer.email, f"Order {order.id} confirmed", f"Thanks! Your order of {order.amount_cents / 100:.2f} EUR is in the queue.")
    logger.info("confirmation for order %s sent", order.id)


@shared_task
def send_quote_expiry_reminder(quote_id: int):
    quote = db.session.get(Quote, quote_id)
    customer = db.session.get(Customer, quote.customer_id)
    _send_email(customer.email, f"Your quote {quote.id} expires soon", "Your print quote expires in two days; reply to this mail or order online.")
    logger.info("expiry reminder for quote %s sent", quote.id)
