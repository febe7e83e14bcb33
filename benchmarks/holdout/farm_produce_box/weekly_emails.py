"""Thursday e-mail telling each subscriber what is in next week's box."""
import logging
import smtplib
from datetime import date, timedelta
from email.mime.text import MIMEText

from .db import get_db

logger = logging.getLogger(__name__)


def upcoming_week_start(today=None):
    today = today or date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _box_contents(db, customer_id, week_start):
    with db.cursor() as cur:
        cur.execute(
            "SELECT p.name, bc.quantity, bc.unit FROM orders o "
            "JOIN box_contents bc ON bc.box_type_id = o.box_type_id "
            "JOIN products p ON p.id = bc.product_id "
            "WHERE o.customer_id = %s AND o.week_start = %s AND o.status = 'confirmed' ORDER BY p.name",
            (customer_id, week_start),
        )
        return cur.fetchall()


def _render_email(customer, items, week_start):
    lines = "".join(f"<li>{item['quantity']} {item['unit']} {item['name']}</li>" for item in items)
    return (
        f"<p>Hi {customer['first_name']},</p>"
        f"<p>Here is what is coming in your box on {week_start:%A %d %B}:</p><ul>{lines}</ul>"
        f"<p>Delivery note on file: {customer['delivery_notes']}</p>"  # expect: SEC016
        "<p>Green Acre Produce</p>"
    )


def send_weekly_box_emails(app):
    with app.app_context():
        settings = app.extensions["produce_settings"]
        db = get_db()
        week_start = upcoming_week_start()
        with db.cursor() as cur:
            cur.execute(
                "SELECT id, email, first_name, COALESCE(delivery_notes, '') AS delivery_notes "
                "FROM customers WHERE subscribed = true ORDER BY id"
            )
            customers = cur.fetchall()

        sent = 0
        for customer in customers:
            items = _box_contents(db, customer["id"], week_start)  # expect: DB001
            if not items:
                continue
            msg = MIMEText(_render_email(customer, items, week_start), "html")
            msg["Subject"] = f"Your box for the week of {week_start:%d %B}"
            msg["From"] = settings.smtp.sender
            msg["To"] = customer["email"]
            try:
                smtp = smtplib.SMTP(settings.smtp.host, settings.smtp.port)  # expect: REL001, RES001
                smtp.starttls()  # todo-expect: SEC011
                smtp.login(settings.smtp.username, settings.smtp.password)
                smtp.sendmail(settings.smtp.sender, [customer["email"]], msg.as_string())
                smtp.quit()
                sent += 1
            except Exception:  # expect: ERR001
                continue
        print(f"weekly box e-mails sent: {sent}/{len(customers)} for {week_start}")  # expect: OBS001
