"""Operator dashboard: fleet overview, flight tracks, notes and temporary no-fly zone uploads."""
import logging
import os
import subprocess
import tempfile
import time

from flask import Blueprint, abort, g, jsonify, render_template, request
from markupsafe import Markup

from drones.models import Drone, NoFlyZone, OperatorNote, TelemetryPoint, db
from drones.routes.auth import require_role

logger = logging.getLogger(__name__)
bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

ONLINE_WINDOW_SECONDS = 300

_operator_last_seen: dict[int, float] = {}


def last_position(drone_id: int) -> TelemetryPoint | None:
    return (
        TelemetryPoint.query.filter_by(drone_id=drone_id)
        .order_by(TelemetryPoint.recorded_at.desc())
        .first()
    )


@bp.get("/fleet")
@require_role("operator", "dispatcher")
def fleet():
    now = time.time()
    _operator_last_seen[g.account.id] = now  # expect: CON002, SCL001
    drones = Drone.query.order_by(Drone.serial).all()
    rows = []
    for drone in drones:
        point = last_position(drone.id)  # expect: DB001
        rows.append({**drone.to_dict(), "position": point.to_dict() if point else None})
    online = [aid for aid, seen in _operator_last_seen.items() if now - seen < ONLINE_WINDOW_SECONDS]
    return render_template("dashboard/fleet.html", rows=rows, online_operators=online)


@bp.get("/drones/<int:drone_id>/track")
@require_role("operator", "dispatcher")
def drone_track(drone_id: int):
    points = (  # expect: DB002, RES003
        TelemetryPoint.query.filter_by(drone_id=drone_id)
        .order_by(TelemetryPoint.recorded_at)
        .all()
    )
    return jsonify([p.to_dict() for p in points])


@bp.get("/drones/<int:drone_id>/notes")
@require_role("operator", "dispatcher")
def drone_notes(drone_id: int):
    notes = (
        OperatorNote.query.filter_by(drone_id=drone_id)
        .order_by(OperatorNote.created_at.desc())
        .limit(50)
        .all()
    )
    items = "".join(f"<li><strong>{n.author_name}</strong>: {n.body}</li>" for n in notes)
    return render_template("dashboard/notes.html", drone_id=drone_id, notes_html=Markup(items))  # expect: SEC016


@bp.post("/drones/<int:drone_id>/notes")
@require_role("operator", "dispatcher")
def add_note(drone_id: int):
    body = (request.form.get("body") or "").strip()
    if not body:
        abort(400, "note is empty")
    note = OperatorNote(drone_id=drone_id, author_name=g.account.display_name or g.account.username, body=body[:2000])
    db.session.add(note)
    db.session.commit()
    return jsonify({"id": note.id}), 201


@bp.post("/zones/upload")
@require_role("dispatcher")
def upload_zone():
    """Convert an uploaded KML/shapefile zip into GeoJSON and store it as a temporary no-fly zone."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, "file is required")
    with tempfile.TemporaryDirectory() as workdir:
        source = os.path.join(workdir, upload.filename)  # expect: SEC015
        upload.save(source)
        target = os.path.join(workdir, "zone.geojson")
        result = subprocess.run(f"ogr2ogr -f GeoJSON {target} {source}", shell=True, capture_output=True, timeout=60)  # expect: SEC002
        if result.returncode != 0:
            logger.warning("ogr2ogr rejected %s: %s", upload.filename, result.stderr[:500])
            abort(422, "could not read zone file")
        with open(target, encoding="utf-8") as fh:
            geojson = fh.read()
    zone = NoFlyZone(name=request.form.get("name") or upload.filename, geojson=geojson, source="upload",
                     created_by=g.account.id)
    db.session.add(zone)
    db.session.commit()
    logger.info("dispatcher %s uploaded no-fly zone %s", g.account.id, zone.id)
    return jsonify({"id": zone.id}), 201
