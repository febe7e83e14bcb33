"""Battery subscriptions: ship the next packs through the fulfilment partner."""
import logging
from datetime import date, timedelta

import requests
from celery import shared_task
from flask import current_app

from clinic.models import BatterySubscription, Patient, Shipment, db

logger = logging.getLogger(__name__)

SKU_BY_SIZE = {"10": "ZA10-8", "312": "ZA312-8", "13": "ZA13-8", "675": "ZA675-8"}

_http = requests.Session()


def _shipping_address(subscription: BatterySubscription) -> dict:
    patient = db.session.get(Patient, subscription.patient_id)
    return {
        "name": f"{patient.first_name} {patient.last_name}",
        "line1": patient.address_line1,
        "city": patient.city,
        "postcode": patient.postcode,
        "country": "GB",
        "email": patient.email,
    }


def _create_shipment(subscription: BatterySubscription, address: dict) -> str:
    cfg = current_app.config
    resp = _http.post(
        f"{cfg['FULFILMENT_API_URL']}/shipments",
        json={
            "sku": SKU_BY_SIZE[subscription.battery_size],
            "quantity": subscription.packs_per_shipment,
            "address": address,
            "service": "royal-mail-48",
        },
        headers={"Authorization": f"ApiKey {cfg['FULFILMENT_API_KEY']}"},
        timeout=15,
    )
    resp.raise_for_status()
    return resp.json()["id"]


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException,),
    retry_backoff=120,
    retry_backoff_max=1800,
    max_retries=4,
)
def ship_due_subscriptions(self):
    today = date.today()
    due = (
        BatterySubscription.query.filter(
            BatterySubscription.active.is_(True),
            BatterySubscription.next_ship_on <= today,
        )
        .order_by(BatterySubscription.id)
        .all()
    )
    shipped = 0
    for subscription in due:
        address = _shipping_address(subscription)  # expect: DB001
        if not address["line1"] or not address["postcode"]:
            logger.warning("subscription %s skipped: incomplete address", subscription.id)
            continue
        fulfilment_id = _create_shipment(subscription, address)  # expect: REL003
        db.session.add(
            Shipment(
                subscription_id=subscription.id,
                period=subscription.next_ship_on.isoformat(),
                fulfilment_id=fulfilment_id,
            )
        )
        subscription.next_ship_on = subscription.next_ship_on + timedelta(days=subscription.interval_days)
        db.session.commit()
        shipped += 1
    logger.info("battery run %s: %d shipment(s) created, attempt %d", today, shipped, self.request.retries + 1)
    return shipped
