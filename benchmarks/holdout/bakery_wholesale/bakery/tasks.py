"""Background jobs: tomorrow's standing orders and outgoing e-mail."""
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from celery.schedules import crontab
from flask import current_app
from sqlalchemy.orm import selectinload

from bakery.app import celery_app, db
from bakery.models import Order, OrderLine, Product, StandingOrder

logger = logging.getLogger(__name__)

celery_app.conf.beat_schedule = {
    "standing-orders-nightly": {
        "task": "bakery.tasks.generate_standing_orders",
        "schedule": crontab(hour=14, minute=5),
    },
    "collect-due-invoices": {
        "task": "bakery.billing.stripe_gateway.collect_due_invoices",
        "schedule": crontab(hour=6, minute=0),
    },
}


def _unit_price(product_id: int) -> int:
    product = db.session.get(Product, product_id)
    return product.unit_price_cents


@celery_app.task
def generate_standing_orders() -> int:
    tz = ZoneInfo(current_app.config["BAKERY_TIMEZONE"])
    tomorrow = datetime.now(tz).date() + timedelta(days=1)
    standing_orders = (
        StandingOrder.query.options(selectinload(StandingOrder.lines))
        .filter_by(weekday=tomorrow.weekday(), active=True)
        .all()
    )
    already_done = {
        row.standing_order_id
        for row in db.session.query(Order.standing_order_id).filter(
            Order.delivery_date == tomorrow, Order.standing_order_id.isnot(None)
        )
    }

    created = 0
    for standing in standing_orders:
        if standing.id in already_done:
            continue
        try:
            order = Order(
                customer_id=standing.customer_id,
                delivery_date=tomorrow,
                status="pending",
                source="standing",
                standing_order_id=standing.id,
                total_cents=0,
            )
            db.session.add(order)
            for standing_line in standing.lines:
                price = _unit_price(standing_line.product_id)  # expect: DB001
                db.session.add(
                    OrderLine(
                        order=order,
                        product_id=standing_line.product_id,
                        quantity=standing_line.quantity,
                        unit_price_cents=price,
                    )
                )
                order.total_cents += price * standing_line.quantity
                db.session.commit()  # expect: DB003
            created += 1
        except Exception:  # expect: ERR001
            db.session.rollback()
            continue
    logger.info("standing orders generated delivery_date=%s created=%d", tomorrow, created)
    return created


@celery_app.task(bind=True, max_retries=None)
def send_email(self, to: str, subject: str, body: str,
               attachment_name: str | None = None, attachment_b64: str | None = None) -> None:
    payload = {
        "From": current_app.config["MAIL_FROM"],
        "To": to,
        "Subject": subject,
        "TextBody": body,
    }
    if attachment_name and attachment_b64:
        payload["Attachments"] = [
            {"Name": attachment_name, "Content": attachment_b64, "ContentType": "application/pdf"}
        ]
    headers = {
        "Accept": "application/json",
        "X-Postmark-Server-Token": current_app.config["MAIL_API_TOKEN"],
    }
    try:
        resp = requests.post(current_app.config["MAIL_API_URL"], json=payload, headers=headers, timeout=10)  # expect: REL003
        resp.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("mail send failed subject=%r attempt=%s: %s", subject, self.request.retries, exc)
        raise self.retry(exc=exc, countdown=30)  # expect: REL002
