import csv
import io
import logging
import os

import requests
from flask import Blueprint, g, jsonify, request

from crm.auth import admin_required, login_required
from crm.db import get_conn, get_cursor

bp = Blueprint("leads", __name__)
logger = logging.getLogger(__name__)

IRRADIANCE_API_URL = os.environ.get("IRRADIANCE_API_URL", "https://irradiance.example-solar.org")
_irradiance_by_zip: dict[str, dict] = {}


def _solar_potential(zip_code: str) -> dict | None:
    if zip_code in _irradiance_by_zip:
        return _irradiance_by_zip[zip_code]
    try:
        resp = requests.get(f"{IRRADIANCE_API_URL}/v1/zip/{zip_code}", timeout=5)
        resp.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("irradiance lookup for %s failed: %s", zip_code, type(exc).__name__)
        return None
    _irradiance_by_zip[zip_code] = resp.json()  # expect: RES002
    return _irradiance_by_zip[zip_code]


@bp.post("/api/leads")
def create_lead():
    data = request.get_json(silent=True) or {}
    missing = [f for f in ("name", "email", "address", "zip") if not data.get(f)]
    if missing:
        return jsonify(error="missing fields", fields=missing), 400
    email = data["email"].strip().lower()
    potential = _solar_potential(str(data["zip"])[:10])

    with get_cursor() as cur:
        cur.execute(
            "SELECT id FROM leads WHERE email = %s AND created_at > now() - interval '90 days'",
            (email,),
        )
        existing = cur.fetchone()
        if existing:
            return jsonify(id=existing[0], status="duplicate"), 200
        cur.execute(  # expect: DB005
            "INSERT INTO leads (name, email, phone, address, zip, monthly_bill_cents, kwh_per_kwp, source)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                data["name"],
                email,
                data.get("phone"),
                data["address"],
                data["zip"],
                int(float(data.get("monthly_bill", 0)) * 100),
                potential.get("kwh_per_kwp") if potential else None,
                data.get("source", "website"),
            ),
        )
        lead_id = cur.fetchone()[0]
    logger.info("lead %s created from %s", lead_id, data.get("source", "website"))
    return jsonify(id=lead_id, status="created"), 201


@bp.get("/leads/search")
@login_required
def search_leads():
    term = request.args.get("q", "").strip()
    page = max(int(request.args.get("page", 1)), 1)
    with get_cursor() as cur:
        offset = (page - 1) * 50
        cur.execute(
            "SELECT id, name, email, zip, status FROM leads"
            f" WHERE rep_id = {g.rep_id} AND (name ILIKE '%{term}%' OR email ILIKE '%{term}%')"  # expect: SEC001, DB006
            f" ORDER BY created_at DESC LIMIT 50 OFFSET {offset}"
        )
        rows = cur.fetchall()
    return jsonify(
        page=page,
        items=[{"id": r[0], "name": r[1], "email": r[2], "zip": r[3], "status": r[4]} for r in rows],
    )


@bp.post("/leads/<int:lead_id>/assign")
@login_required
def assign_lead(lead_id: int):
    rep_id = int(request.form["rep_id"])
    with get_cursor() as cur:
        cur.execute(  # todo-expect: SEC018
            "UPDATE leads SET rep_id = %s, status = 'assigned' WHERE id = %s RETURNING id",
            (rep_id, lead_id),
        )
        if cur.fetchone() is None:
            return jsonify(error="not found"), 404
    logger.info("lead %s assigned to rep %s by %s", lead_id, rep_id, g.rep_id)
    return jsonify(id=lead_id, rep_id=rep_id)


@bp.post("/leads/import")
@admin_required
def import_leads():
    upload = request.files["file"]
    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8"))
    imported = 0
    with get_conn() as conn, conn.cursor() as cur:
        for row in reader:
            cur.execute(
                "INSERT INTO leads (name, email, phone, address, zip, source) VALUES (%s, %s, %s, %s, %s, 'import')",
                (row["name"], row["email"].strip().lower(), row.get("phone"), row["address"], row["zip"]),
            )
            conn.commit()  # expect: DB003
            imported += cur.rowcount
    logger.info("rep %s imported %d leads", g.rep_id, imported)
    return jsonify(imported=imported)
