"""Outage notices: the NOC posts an outage, affected customers are emailed, and the
public status page shows what is currently down."""
import logging
import os
import smtplib
from email.message import EmailMessage

from flask import Blueprint, jsonify, render_template_string, request
from redis import Redis
from rq import Queue

from signup.auth import role_required
from signup.db import connection, job_connection

log = logging.getLogger(__name__)
bp = Blueprint("outages", __name__)

STATUS_HEADER = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Wildmoor Broadband status</title><link rel="stylesheet" href="/static/status.css"></head>
<body><h1>Service status</h1>"""


@bp.get("/status")
def status_page():
    with connection() as conn:
        outages = conn.execute(
            "SELECT id, title, body_html, started_at, area_codes FROM outages "
            "WHERE resolved_at IS NULL ORDER BY started_at DESC LIMIT 20"
        ).fetchall()
    if not outages:
        body = "<p class='ok'>All services are running normally.</p>"
    else:
        body = "".join(
            f"<article><h2>{o['title']}</h2><p class='since'>Since {o['started_at']:%d %b %H:%M} "
            f"in {', '.join(o['area_codes'])}</p>{o['body_html']}</article>"
            for o in outages
        )
    return render_template_string(STATUS_HEADER + body + "</body></html>")  # expect: SEC016


@bp.post("/noc/outages")
@role_required("noc")
def post_outage():
    data = request.get_json(silent=True) or {}
    title = str(data.get("title", "")).strip()
    areas = [str(a).strip().upper() for a in data.get("area_codes", []) if str(a).strip()]
    if not title or not areas:
        return jsonify(error="title and area_codes are required"), 400
    with connection() as conn:
        outage = conn.execute(
            "INSERT INTO outages (title, body_html, body_text, area_codes, started_at) "
            "VALUES (%s, %s, %s, %s, now()) RETURNING id",
            (title, data.get("body_html", ""), data.get("body_text", ""), areas),
        ).fetchone()
    queue = Queue("outages", connection=Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0")))
    queue.enqueue(send_outage_emails, outage["id"], job_timeout=1800)
    log.info("outage %s posted for %s", outage["id"], ",".join(areas))
    return jsonify(outage_id=outage["id"]), 201


def send_outage_emails(outage_id: int) -> int:
    """RQ job: email every active customer in the affected areas."""
    with job_connection("signup-outages") as conn:
        outage = conn.execute("SELECT title, body_text, area_codes FROM outages WHERE id = %s", (outage_id,)).fetchone()
        customers = conn.execute(
            "SELECT email, name FROM customers WHERE area_code = ANY(%s) AND status = 'active' AND email_opt_out = false",
            (outage["area_codes"],),
        ).fetchall()

    server = smtplib.SMTP(os.environ.get("SMTP_HOST", "smtp.wildmoor.net"), 587)  # expect: REL001, RES001
    server.starttls()
    server.login(os.environ.get("SMTP_USER", ""), os.environ.get("SMTP_PASSWORD", ""))
    for customer in customers:
        msg = EmailMessage()
        msg["From"] = "Wildmoor Broadband <noc@wildmoor.net>"
        msg["To"] = customer["email"]
        msg["Subject"] = f"Service disruption: {outage['title']}"
        msg.set_content(f"Hi {customer['name']},\n\n{outage['body_text']}\n\nWe'll email again when it's fixed.\n")
        server.send_message(msg)
        print(f"outage {outage_id}: notified {customer['email']}")  # expect: OBS001
    server.quit()
    return len(customers)
