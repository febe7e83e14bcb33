"""Customer e-mail tasks run by the Celery workers."""
import logging
import smtplib
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage

from celery import shared_task
from flask import current_app, render_template

from shop.models import Customer, Order, ShippingSlot, db

log = logging.getLogger(__name__)

SUBJECTS = {
    "cart_reminder": "Your tank is waiting: items left in your cart",
    "password_reset": "Your Reef & River password reset code",
    "shipping_heads_up": "Your live fish ship tomorrow",
}


def _message(to_addr, template, context):
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to_addr
    msg["Subject"] = SUBJECTS[template]
    msg.set_content(render_template(f"email/{template}.txt", **context))
    return msg


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_email(self, customer_id, template, context):
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        return
    msg = _message(customer.email, template, context)
    try:
        with smtplib.SMTP(current_app.config["SMTP_HOST"], 587, timeout=15) as smtp:  # ok: REL001, RES001
            smtp.starttls()
            smtp.send_message(msg)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, TimeoutError) as exc:
        raise self.retry(exc=exc)
    log.info("sent %s to customer=%s", template, customer_id)


@shared_task
def send_shipping_heads_up():
    """Tell live-stock customers the box leaves tomorrow so someone is home to receive it."""
    tomorrow = date.today() + timedelta(days=1)
    orders = (
        Order.query.join(ShippingSlot, Order.shipping_slot_id == ShippingSlot.id)
        .filter(ShippingSlot.ship_date == tomorrow, Order.status == "paid", Order.notified_at.is_(None))
        .all()
    )
    smtp = smtplib.SMTP(current_app.config["SMTP_HOST"], 587)  # expect: REL001, RES001
    smtp.starttls()
    sent = 0
    for order in orders:
        msg = _message(order.customer.email, "shipping_heads_up", {"order": order, "ship_date": tomorrow})  # expect: DB001
        try:
            smtp.send_message(msg)
        except Exception:  # expect: ERR001
            continue
        order.notified_at = datetime.now(timezone.utc)
        sent += 1
    db.session.commit()
    smtp.quit()
    print(f"shipping heads-up sent for {sent}/{len(orders)} orders")  # expect: OBS001


@shared_task
def erase_requested_accounts():
    """Anonymise customers who asked for erasure more than 30 days ago (orders are kept for tax)."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=30)
    pending = (
        Customer.query.filter(Customer.erasure_requested_at < cutoff, Customer.erased_at.is_(None))
        .order_by(Customer.id)
        .limit(2000)
        .all()
    )
    for customer in pending:
        customer.email = f"erased-{customer.id}@invalid.reefandriver.example"
        customer.full_name = None
        customer.shipping_zip = None
        customer.password_hash = "!"
        customer.erased_at = datetime.now(timezone.utc)
        db.session.commit()  # expect: DB003
    log.info("erased %d customer accounts", len(pending))
