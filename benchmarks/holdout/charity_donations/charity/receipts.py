import hmac
import json
import logging
import os
from datetime import datetime, timezone
from functools import lru_cache

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from flask import Blueprint, abort, current_app, g, jsonify, request
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import select, update
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .admin_auth import admin_required
from .models import Donation, Donor

logger = logging.getLogger(__name__)
bp = Blueprint("receipts", __name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates", "email")
_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False)  # expect: SEC016


@lru_cache(maxsize=4)
def ses_client(region):
    return boto3.client(
        "ses",
        region_name=region,
        config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}),  # ok: REL001
    )


@retry(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=1, max=20), retry=retry_if_exception_type(EndpointConnectionError), reraise=True)  # ok: REL002
def send_html_email(to_addr, subject, html, text):
    settings = current_app.extensions["settings"]
    return ses_client(settings.ses_region).send_email(
        Source=settings.receipt_sender,
        Destination={"ToAddresses": [to_addr]},
        Message={
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Html": {"Data": html, "Charset": "UTF-8"}, "Text": {"Data": text, "Charset": "UTF-8"}},
        },
    )


def send_annual_statement(db, donor, year):
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    donations = db.scalars(
        select(Donation)
        .where(Donation.donor_id == donor.id, Donation.status == "succeeded")
        .where(Donation.created_at >= start, Donation.created_at < end)
        .order_by(Donation.created_at)
    ).all()
    settings = current_app.extensions["settings"]
    context = {
        "donor": donor,
        "donations": donations,
        "year": year,
        "total_pence": sum(d.amount_pence - d.refunded_pence for d in donations),
        "charity_name": settings.charity_name,
        "charity_number": settings.charity_number,
    }
    html = _env.get_template("annual_statement.html").render(**context)
    text = _env.get_template("annual_statement.txt").render(**context)
    return send_html_email(donor.email, f"Your {year} giving statement from {settings.charity_name}", html, text)


@bp.post("/admin/donors/<int:donor_id>/statements/<int:year>")
@admin_required
def resend_statement(donor_id, year):
    donor = g.db.get(Donor, donor_id)
    if donor is None:
        abort(404)
    try:
        result = send_annual_statement(g.db, donor, year)
    except (ClientError, EndpointConnectionError) as e:
        logger.error(f"statement send failed donor={donor_id} year={year}: {e}")  # expect: OBS002
        return jsonify({"error": {"code": "send_failed", "message": "Could not send the statement"}}), 502
    return jsonify({"data": {"donor": donor_id, "year": year, "message_id": result["MessageId"]}})


@bp.post("/hooks/ses")
def ses_notification():
    expected = os.environ.get("SES_HOOK_KEY", "")
    if not expected or not hmac.compare_digest(request.args.get("key", ""), expected):
        abort(403)
    envelope = request.get_json(force=True, silent=True) or {}
    try:
        message = json.loads(envelope.get("Message", "{}"))
        if message.get("notificationType") == "Bounce":
            for recipient in message["bounce"]["bouncedRecipients"]:
                g.db.execute(
                    update(Donor).where(Donor.email == recipient["emailAddress"].lower()).values(email_bounced=True)
                )
            g.db.commit()
    except Exception:  # expect: ERR001
        pass
    return "", 204
