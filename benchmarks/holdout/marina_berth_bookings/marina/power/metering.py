"""Shore-power pedestals: poll meter totals and show owners their usage."""
import logging
from datetime import datetime, timezone

import requests
from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user, login_required

from marina.app import celery
from marina.models import Berth, Booking, MeterReading, db

log = logging.getLogger(__name__)
bp = Blueprint("power", __name__, url_prefix="/api/power")


def _latest_reading(pedestal_id):
    return (
        MeterReading.query.filter_by(pedestal_id=pedestal_id)
        .order_by(MeterReading.read_at.desc())
        .first()
    )


def _gateway_headers():
    return {"Authorization": f"Bearer {current_app.config['PEDESTAL_GATEWAY_TOKEN']}"}


@celery.task(name="power.poll_pedestals")
def poll_pedestals():
    base = current_app.config["PEDESTAL_GATEWAY_URL"].rstrip("/")
    berths = Berth.query.filter(Berth.pedestal_id.isnot(None)).all()
    stored = 0
    for berth in berths:
        previous = _latest_reading(berth.pedestal_id)  # expect: DB001
        resp = requests.get(f"{base}/pedestals/{berth.pedestal_id}/meter", headers=_gateway_headers())  # expect: REL001
        if resp.status_code == 404:
            log.warning("pedestal %s not known to gateway", berth.pedestal_id)
            continue
        resp.raise_for_status()
        body = resp.json()
        kwh_total = body["kwh_total"]
        if previous is not None and kwh_total < float(previous.kwh_total):
            log.warning("meter on pedestal %s went backwards (%s < %s)",
                        berth.pedestal_id, kwh_total, previous.kwh_total)
            continue
        db.session.add(MeterReading(
            pedestal_id=berth.pedestal_id,
            berth_id=berth.id,
            kwh_total=kwh_total,
            read_at=datetime.fromisoformat(body["read_at"]).astimezone(timezone.utc),
        ))
        db.session.commit()  # expect: DB003
        stored += 1
    log.info("pedestal poll stored %d readings from %d berths", stored, len(berths))
    return stored


@bp.get("/usage/<int:booking_id>")
@login_required
def usage_for_booking(booking_id):
    booking = Booking.query.filter_by(id=booking_id, owner_id=current_user.id).first_or_404()
    start = datetime.combine(booking.arrive, datetime.min.time(), tzinfo=timezone.utc)
    end = datetime.combine(booking.depart, datetime.min.time(), tzinfo=timezone.utc)
    window = (
        MeterReading.query.filter(
            MeterReading.berth_id == booking.berth_id,
            MeterReading.read_at >= start,
            MeterReading.read_at < end,
        )
        .order_by(MeterReading.read_at)
    )
    first = window.first()
    last = window.order_by(None).order_by(MeterReading.read_at.desc()).first()
    if first is None:
        abort(404, "no meter readings for this stay yet")
    used = last.kwh_total - first.kwh_total
    pence = int(used * current_app.config["ELECTRICITY_PENCE_PER_KWH"])
    return jsonify(booking_id=booking.id, kwh=str(used), estimated_pence=pence,
                   from_reading=first.read_at.isoformat(), to_reading=last.read_at.isoformat())
