"""Outgoing customer e-mail: rendering from templates and delivery over SMTP."""
import logging
import smtplib
import ssl
from email.message import EmailMessage

from jinja2 import Environment, PackageLoader, select_autoescape

from .db import get_db

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15

_templates = Environment(
    loader=PackageLoader("farm_produce_box", "email_templates"),
    autoescape=select_autoescape(["html"]),  # ok: SEC016
)


def build_message(sender, to, subject, template_name, context):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(_templates.get_template(f"{template_name}.txt").render(**context))
    message.add_alternative(_templates.get_template(f"{template_name}.html").render(**context), subtype="html")
    return message


def send_messages(smtp_settings, messages):
    """Deliver messages over one authenticated, verified TLS connection."""
    if not messages:
        return 0
    tls_context = ssl.create_default_context()
    with smtplib.SMTP(smtp_settings.host, smtp_settings.port, timeout=SMTP_TIMEOUT_SECONDS) as client:  # ok: REL001
        client.starttls(context=tls_context)  # ok: SEC011
        if smtp_settings.username:
            client.login(smtp_settings.username, smtp_settings.password)
        for message in messages:
            client.send_message(message)
    logger.info("sent %d message(s) via %s", len(messages), smtp_settings.host)
    return len(messages)


def send_order_confirmation(app, customer_id, order_id):
    with app.app_context():
        settings = app.extensions["produce_settings"]
        with get_db().cursor() as cur:
            cur.execute(
                "SELECT c.email, c.first_name, o.week_start, b.name AS box_name, o.total_pence "
                "FROM orders o JOIN customers c ON c.id = o.customer_id JOIN box_types b ON b.id = o.box_type_id "
                "WHERE o.id = %s AND o.customer_id = %s",
                (order_id, customer_id),
            )
            row = cur.fetchone()
        if row is None:
            logger.warning("order %s for customer %s not found, confirmation not sent", order_id, customer_id)
            return
        message = build_message(
            settings.smtp.sender,
            row["email"],
            f"Your Green Acre box for the week of {row['week_start']:%d %B}",
            "order_confirmation",
            dict(row),
        )
        send_messages(settings.smtp, [message])
        logger.info("confirmation for order %s sent", order_id)
