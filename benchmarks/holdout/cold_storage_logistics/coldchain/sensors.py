"""Temperature readings pushed by the sensor gateways in each chamber."""
import logging
from datetime import datetime, timezone

import requests
from flask import Blueprint, current_app, g, jsonify, request

from coldchain import db
from coldchain.access import gateway_required, role_required

logger = logging.getLogger(__name__)

bp = Blueprint("sensors", __name__, url_prefix="/sensors")

MAX_BATCH = 500

# sensor_id -> {"celsius": ..., "at": ..., "zone_id": ...}
_latest = {}


def _notify(zone, reading):
    cfg = current_app.extensions["coldchain_config"]
    if not cfg.alert_webhook_url:
        return
    message = {
        "text": f"Zone {zone['code']} at {reading['celsius']:.1f}C "
                f"(allowed {zone['min_celsius']}..{zone['max_celsius']}C), sensor {reading['sensor_id']}",
    }
    requests.post(cfg.alert_webhook_url, json=message)  # expect: REL001


@bp.post("/readings")
@gateway_required
def ingest_readings():
    payload = request.get_json(silent=True) or {}
    readings = payload.get("readings") or []
    if not isinstance(readings, list) or len(readings) > MAX_BATCH:
        return jsonify(error="readings must be a list of at most 500 items"), 400

    stored = 0
    with db.pool().connection() as conn:
        zones = {
            row["sensor_id"]: row
            for row in conn.execute(
                "SELECT s.id AS sensor_id, z.id, z.code, z.min_celsius, z.max_celsius "
                "FROM sensors s JOIN zones z ON z.id = s.zone_id WHERE s.gateway_id = %s",
                (g.gateway_id,),
            )
        }
        for reading in readings:
            zone = zones.get(reading.get("sensor_id"))
            if zone is None:
                continue
            recorded_at = datetime.fromtimestamp(int(reading["ts"]), tz=timezone.utc)
            conn.execute(
                "INSERT INTO temperature_readings (sensor_id, recorded_at, celsius) VALUES (%s, %s, %s)",
                (reading["sensor_id"], recorded_at, float(reading["celsius"])),
            )
            conn.commit()  # expect: DB003
            stored += 1
            _latest[reading["sensor_id"]] = {"celsius": float(reading["celsius"]), "at": recorded_at.isoformat(), "zone_id": zone["id"]}  # expect: CON002, SCL001
            if not zone["min_celsius"] <= float(reading["celsius"]) <= zone["max_celsius"]:
                _notify(zone, reading)

    logger.info("gateway %s stored %s/%s readings", g.gateway_id, stored, len(readings))
    return jsonify(stored=stored), 202


@bp.get("/latest")
@role_required("operator", "supervisor", "admin")
def latest_readings():
    zone_id = request.args.get("zone_id", type=int)
    snapshot = {
        sensor_id: value
        for sensor_id, value in _latest.items()
        if zone_id is None or value["zone_id"] == zone_id
    }
    return jsonify(sensors=snapshot, as_of=datetime.now(timezone.utc).isoformat())
