"""Weekly digest e-mail: collects each subscriber's unread notifications and mails them a summary."""

import logging
import os
import smtplib
from contextlib import closing
from email.message import EmailMessage

from celery import shared_task
from jinja2 import Environment, PackageLoader

from .db import connect
from .inbox import load_unread

logger = logging.getLogger(__name__)

SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.internal")
SMTP_USER = os.environ.get("SMTP_USER", "digest")
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
env = Environment(loader=PackageLoader("notification_hub", "templates"), autoescape=False)  # expect: SEC016


def _preferences_for(cur, user_id: int) -> dict:
    cur.execute("SELECT frequency, muted_topics FROM digest_preferences WHERE user_id = %s", (user_id,))
    row = cur.fetchone()
    if row is None:
        return {"frequency": "weekly", "muted": set()}
    return {"frequency": row[0], "muted": set(row[1] or [])}


@shared_task(autoretry_for=(smtplib.SMTPException,), max_retries=3, retry_backoff=True)  # ok: REL002
def send_weekly_digest() -> int:
    smtp = smtplib.SMTP(SMTP_HOST, 587)  # expect: REL001, RES001
    smtp.starttls()
    logger.debug("smtp login as %s with %s", SMTP_USER, SMTP_PASSWORD)  # expect: SEC007
    smtp.login(SMTP_USER, SMTP_PASSWORD)
    template = env.get_template("digest.html")
    sent = 0
    with closing(connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT id, email, display_name FROM users WHERE digest_opt_in ORDER BY id")
        for user_id, email, name in cur.fetchall():
            prefs = _preferences_for(cur, user_id)  # expect: DB001
            if prefs["frequency"] != "weekly":
                continue
            items = [n for n in load_unread(user_id) if n["topic"] not in prefs["muted"]]  # todo-expect: DB001
            if not items:
                continue
            msg = EmailMessage()
            msg["Subject"] = f"{len(items)} things you missed this week"
            msg["From"] = "digest@example.org"
            msg["To"] = email
            msg.set_content(template.render(name=name, items=items), subtype="html")
            smtp.send_message(msg)  # expect: REL003
            print(f"digest sent to {email}")  # expect: OBS001
            sent += 1
    smtp.quit()
    return sent
