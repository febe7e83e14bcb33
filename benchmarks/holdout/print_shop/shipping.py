"""Shipping labels bought from the carrier API once an order is printed."""
import logging

import boto3
import requests
from botocore.config import Config
from celery import shared_task
from flask import Blueprint, current_app, jsonify
from flask_login import current_user, login_required
from requests.adapters import HTTPAdapter
from sqlalchemy.exc import IntegrityError
from urllib3.util.retry import Retry

from .app import db
from .models import Customer, Order, Shipment

logger = logging.getLogger(__name__)
bp = Blueprint("shipping", __name__, url_prefix="/api/shipments")

CARRIER_URL = "https://api.parcelcarrier.example/v3"
CARRIER_TIMEOUT = (3.05, 20)

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}))  # ok: REL001
_session = requests.Session()
_session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5, allowed_methods={"GET", "POST"}, status_forcelist={502, 503, 504})))  # ok: REL002, REL003


def _claim_shipment(order_id: int) -> Shipment | None:
    """Create the shipment row first; the unique constraint makes the claim exclusive."""
    shipment = Shipment(order_id=order_id, status="pending")
    db.session.add(shipment)
    try:
        db.session.commit()
    except IntegrityError:  # ok: DB005
        db.session.rollback()
        return None
    return shipment


@shared_task(bind=True, autoretry_for=(requests.ConnectionError, requests.Timeout), retry_backoff=True, max_retries=5)
def buy_label(self, order_id: int):
    shipment = _claim_shipment(order_id) or Shipment.query.filter_by(order_id=order_id).one()
    if shipment.status == "labelled":
        logger.info("order %s already has a label", order_id)
        return
    order = db.session.get(Order, order_id)
    customer = db.session.get(Customer, order.customer_id)
    resp = _session.post(  # ok: REL001, REL003
        f"{CARRIER_URL}/labels",
        json={"reference": f"order-{order.id}", "recipient": customer.shipping_address, "service": "standard"},
        headers={"Authorization": f"Bearer {current_app.config['CARRIER_API_TOKEN']}", "Idempotency-Key": f"label-order-{order.id}"},
        timeout=CARRIER_TIMEOUT,
    )
    resp.raise_for_status()
    label = resp.json()
    label_pdf = _session.get(label["label_url"], timeout=CARRIER_TIMEOUT)
    label_pdf.raise_for_status()
    key = f"labels/{order.id}.pdf"
    s3.put_object(Bucket=current_app.config["S3_BUCKET"], Key=key, Body=label_pdf.content, ContentType="application/pdf")  # ok: RES003
    Shipment.query.filter_by(id=shipment.id, status="pending").update(  # ok: DB004
        {"status": "labelled", "tracking_number": label["tracking_number"], "label_s3_key": key}
    )
    db.session.commit()
    logger.info("label for order %s bought, tracking %s", order.id, label["tracking_number"])


@bp.get("/<int:order_id>")
@login_required
def tracking(order_id):
    shipment = (  # ok: SEC018
        Shipment.query.join(Order, Order.id == Shipment.order_id)
        .filter(Shipment.order_id == order_id, Order.customer_id == current_user.id)
        .first_or_404()
    )
    return jsonify({"order_id": order_id, "status": shipment.status, "tracking_number": shipment.tracking_number})
