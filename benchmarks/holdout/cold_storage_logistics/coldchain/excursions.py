"""Temperature excursions: open incidents per zone, supervisor acknowledgement."""
import logging

from flask import Blueprint, abort, g, jsonify, request

from coldchain import db
from coldchain.access import role_required

logger = logging.getLogger(__name__)

bp = Blueprint("excursions", __name__, url_prefix="/excursions")

ACK_SQL = "UPDATE excursions SET ack_count = %s, last_ack_by = %s, last_ack_at = now() WHERE id = %s"


def _affected_pallets(conn, zone_id):
    return conn.execute(
        "SELECT p.id, p.lpn, p.customer_id FROM pallets p JOIN locations l ON l.id = p.location_id "
        "WHERE l.zone_id = %s AND p.status = 'stored'",
        (zone_id,),
    ).fetchall()


@bp.get("/open")
@role_required("operator", "supervisor", "admin")
def open_excursions():
    with db.read_only() as conn:
        excursions = conn.execute(
            "SELECT e.id, e.zone_id, z.code, e.started_at, e.peak_celsius, e.ack_count "
            "FROM excursions e JOIN zones z ON z.id = e.zone_id "
            "WHERE e.closed_at IS NULL ORDER BY e.started_at DESC LIMIT 100"
        ).fetchall()
        result = []
        for excursion in excursions:
            pallets = _affected_pallets(conn, excursion["zone_id"])  # expect: DB001
            result.append(
                {
                    "id": excursion["id"],
                    "zone": excursion["code"],
                    "started_at": excursion["started_at"].isoformat(),
                    "peak_celsius": float(excursion["peak_celsius"]),
                    "acknowledgements": excursion["ack_count"],
                    "pallets": [p["lpn"] for p in pallets],
                    "customers": sorted({p["customer_id"] for p in pallets}),
                }
            )
    return jsonify(result)


@bp.post("/<int:excursion_id>/acknowledge")
@role_required("supervisor", "admin")
def acknowledge(excursion_id):
    note = str((request.get_json(silent=True) or {}).get("note", ""))[:1000]
    with db.read_only() as conn:
        exists = conn.execute("SELECT 1 FROM excursions WHERE id = %s", (excursion_id,)).fetchone()
    if exists is None:
        abort(404)
    try:
        with db.transaction() as conn:
            row = conn.execute("SELECT ack_count FROM excursions WHERE id = %s", (excursion_id,)).fetchone()
            conn.execute(ACK_SQL, (row["ack_count"] + 1, g.operator["sub"], excursion_id))  # expect: DB004
            conn.execute(
                "INSERT INTO excursion_notes (excursion_id, author_id, body) VALUES (%s, %s, %s)",
                (excursion_id, g.operator["sub"], note),
            )
    except Exception:
        logger.exception("could not record acknowledgement for excursion %s", excursion_id)
        return jsonify(ok=True, excursion_id=excursion_id)  # expect: ERR002
    logger.info("excursion %s acknowledged by %s", excursion_id, g.operator["sub"])
    return jsonify(ok=True, excursion_id=excursion_id)


def close_recovered_excursions():
    """Close excursions whose zone has been back in range for ten minutes."""
    with db.transaction() as conn:
        closed = conn.execute(
            """
            UPDATE excursions e SET closed_at = now()
            FROM zones z
            WHERE e.zone_id = z.id AND e.closed_at IS NULL
              AND NOT EXISTS (
                  SELECT 1 FROM temperature_readings r JOIN sensors s ON s.id = r.sensor_id
                  WHERE s.zone_id = z.id AND r.recorded_at > now() - interval '10 minutes'
                    AND (r.celsius < z.min_celsius OR r.celsius > z.max_celsius)
              )
            """
        ).rowcount
    if closed:
        logger.info("closed %s recovered excursions", closed)
    return closed
