"""Dispatch: put a driver on an accepted charter trip and let them know by text."""
import logging
import threading

import requests
from flask import Blueprint, abort, current_app, g, jsonify, request

from charter.auth import staff_required
from charter.db import db

logger = logging.getLogger(__name__)
bp = Blueprint("drivers", __name__, url_prefix="/dispatch")


def _text_driver(gateway_url: str, token: str, phone: str, message: str) -> None:
    try:
        resp = requests.post(
            gateway_url,
            json={"to": phone, "body": message},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        resp.raise_for_status()
    except requests.RequestException:
        logger.exception("could not text driver at %s", phone[-4:])


@bp.get("/trips/<int:trip_id>/candidates")
@staff_required
def candidates(trip_id: int):
    with db.cursor() as cur:
        cur.execute(
            """SELECT d.id, d.full_name, d.licence_class
                 FROM drivers d
                WHERE d.active
                  AND NOT EXISTS (SELECT 1 FROM assignments a
                                   JOIN trips t2 ON t2.id = a.trip_id
                                  WHERE a.driver_id = d.id
                                    AND t2.trip_date = (SELECT trip_date FROM trips WHERE id = %s))
                ORDER BY d.full_name LIMIT 100""",
            (trip_id,),
        )
        return jsonify(drivers=cur.fetchall())


@bp.post("/trips/<int:trip_id>/driver")
@staff_required
def assign_driver(trip_id: int):
    driver_id = (request.get_json(silent=True) or {}).get("driver_id")
    if not isinstance(driver_id, int):
        abort(400, "driver_id is required")

    with db.cursor() as cur:
        cur.execute("SELECT id, trip_date, pickup_address, pickup_time FROM trips WHERE id = %s", (trip_id,))
        trip = cur.fetchone()
        if trip is None:
            abort(404)
        cur.execute("SELECT full_name, mobile FROM drivers WHERE id = %s AND active", (driver_id,))
        driver = cur.fetchone()
        if driver is None:
            abort(404, "no active driver with that id")

        cur.execute(
            """SELECT 1 FROM assignments a JOIN trips t ON t.id = a.trip_id
                WHERE a.driver_id = %s AND t.trip_date = %s""",
            (driver_id, trip["trip_date"]),
        )
        if cur.fetchone() is not None:  # expect: DB005
            return jsonify(ok=False, reason="driver already has a trip that day"), 200  # todo-expect: MNT001
        cur.execute(
            "INSERT INTO assignments (trip_id, driver_id, assigned_by) VALUES (%s, %s, %s)",
            (trip_id, driver_id, g.staff["id"]),
        )

    cfg = current_app.config
    message = (
        f"Charter {trip_id} on {trip['trip_date']:%a %b %d}: pick-up {trip['pickup_time']:%H:%M} "
        f"at {trip['pickup_address']}. Reply Y to confirm."
    )
    threading.Thread(  # expect: CON003, REL005
        target=_text_driver,
        args=(cfg["SMS_GATEWAY_URL"], cfg["SMS_GATEWAY_TOKEN"], driver["mobile"], message),
        daemon=True,
    ).start()
    logger.info("driver %s assigned to trip %s", driver_id, trip_id)
    return jsonify(trip_id=trip_id, driver_id=driver_id), 201
