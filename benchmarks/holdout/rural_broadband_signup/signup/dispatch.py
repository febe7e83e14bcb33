"""Technician dispatch: the install board, round-robin assignment and the job sheet."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from signup.auth import role_required
from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")

# region -> index of the technician who got the last job there
_next_in_region: dict[str, int] = {}


@bp.get("/board")
@role_required("dispatcher")
def board():
    with connection() as conn:
        jobs = conn.execute(  # expect: DB002
            "SELECT j.id, j.region, j.status, j.window_start, t.name AS technician "
            "FROM dispatch_jobs j LEFT JOIN technicians t ON t.id = j.technician_id "
            "ORDER BY j.window_start"
        ).fetchall()
    return jsonify(jobs=[{**j, "window_start": j["window_start"].isoformat()} for j in jobs])


@bp.post("/assign")
@role_required("dispatcher")
def assign_next_job():
    region = (request.get_json(silent=True) or {}).get("region", "")
    with connection() as conn:
        techs = conn.execute(
            "SELECT id, name FROM technicians WHERE region = %s AND on_shift ORDER BY id", (region,)
        ).fetchall()
        job = conn.execute(
            "SELECT id FROM dispatch_jobs WHERE region = %s AND status = 'unassigned' "
            "ORDER BY window_start LIMIT 1 FOR UPDATE SKIP LOCKED",
            (region,),
        ).fetchone()
        if not techs or job is None:
            return jsonify(error="nothing to assign in that region"), 404

        index = (_next_in_region.get(region, -1) + 1) % len(techs)
        _next_in_region[region] = index  # expect: CON002
        tech = techs[index]
        conn.execute(
            "UPDATE dispatch_jobs SET technician_id = %s, status = 'assigned', assigned_at = now() WHERE id = %s",
            (tech["id"], job["id"]),
        )
    log.info("job %s in %s assigned to technician %s by user %s", job["id"], region, tech["id"], current_user.id)
    return jsonify(job_id=job["id"], technician=tech["name"])


@bp.get("/jobs/<int:job_id>")
@login_required
def job_sheet(job_id: int):
    """What the technician sees on site: address, access notes, gate code, kit serials."""
    with connection() as conn:
        job = conn.execute(  # expect: SEC018
            "SELECT j.id, j.status, j.window_start, j.gate_code, j.access_notes, j.ont_serial, "
            "c.name, c.phone, p.address_line, p.postcode FROM dispatch_jobs j "
            "JOIN appointments a ON a.id = j.appointment_id JOIN customers c ON c.id = a.customer_id "
            "JOIN premises p ON p.uprn = c.uprn WHERE j.id = %s",
            (job_id,),
        ).fetchone()
    if job is None:
        return jsonify(error="no such job"), 404
    return jsonify({**job, "window_start": job["window_start"].isoformat()})


@bp.post("/jobs/<int:job_id>/complete")
@role_required("technician")
def complete_job(job_id: int):
    notes = (request.get_json(silent=True) or {}).get("notes", "")[:2000]
    with connection() as conn:
        done = conn.execute(  # ok: SEC018
            "UPDATE dispatch_jobs SET status = 'completed', completed_at = now(), tech_notes = %s "
            "WHERE id = %s AND technician_id = %s AND status = 'assigned' RETURNING id",
            (notes, job_id, current_user.technician_id),
        ).fetchone()
    if done is None:
        return jsonify(error="job not assigned to you or already completed"), 404
    log.info("job %s completed by technician %s", job_id, current_user.technician_id)
    return jsonify(job_id=job_id, status="completed")
