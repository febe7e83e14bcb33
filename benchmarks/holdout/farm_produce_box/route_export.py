"""Delivery route export: stops CSV for a depot, optimised into a GPX file for drivers."""
import csv
import logging
import os
import subprocess
from pathlib import Path

from flask import Blueprint, jsonify, request, send_file, url_for

from .admin_routes import admin_required
from .config import get_settings
from .db import get_db

logger = logging.getLogger(__name__)
bp = Blueprint("routes", __name__, url_prefix="/admin/routes")

EXPORT_DIR = Path(os.environ.get("ROUTE_EXPORT_DIR", "/srv/produce-box/exports"))
STOP_COLUMNS = ["order_id", "name", "line1", "postcode", "lat", "lng"]


@bp.post("/export")
@admin_required
def export_routes():
    depot = request.form.get("depot", "north")
    week_start = request.form.get("week_start", "")
    if not week_start:
        return jsonify(error="week_start is required"), 400

    with get_db().cursor() as cur:
        cur.execute(
            "SELECT o.id AS order_id, c.first_name || ' ' || c.last_name AS name, a.line1, a.postcode, a.lat, a.lng "
            "FROM orders o JOIN customers c ON c.id = o.customer_id JOIN addresses a ON a.id = o.address_id "
            "WHERE o.week_start = %s AND a.depot = %s AND o.status = 'confirmed' ORDER BY a.postcode",
            (week_start, depot),
        )
        stops = cur.fetchall()

    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    csv_path = EXPORT_DIR / f"stops-{depot}-{week_start}.csv"  # expect: SEC015
    with csv_path.open("w", newline="") as fh:  # expect: SCL002
        writer = csv.DictWriter(fh, fieldnames=STOP_COLUMNS)
        writer.writeheader()
        writer.writerows(stops)

    gpx_path = csv_path.with_suffix(".gpx")
    result = subprocess.run(  # expect: SEC002
        f"{get_settings().route_tool_path} --depot {depot} --input {csv_path} --output {gpx_path}",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        logger.error("route optimiser exited %s for depot %s week %s: %s", result.returncode, depot, week_start, result.stderr[-500:])
        return jsonify(error="route optimisation failed"), 502

    logger.info("exported %d stops for depot %s week %s", len(stops), depot, week_start)
    return jsonify(stops=len(stops), download=url_for("routes.download_export", filename=gpx_path.name)), 201


@bp.get("/exports/<path:filename>")
@admin_required
def download_export(filename):
    return send_file(os.path.join(EXPORT_DIR, filename), as_attachment=True)  # expect: SEC015
