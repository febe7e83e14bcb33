"""Seller registration with the ID scan that state scrap law requires."""
from __future__ import annotations

import logging
import os

import requests
from flask import Blueprint, g, jsonify, request, send_file

from buyback.auth import staff_required
from buyback.config import settings
from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("sellers", __name__, url_prefix="/sellers")

REQUIRED = ("full_name", "license_no", "license_state", "address")


def _report_to_hub(seller_id: int, form: dict) -> None:
    resp = requests.post(
        f"{settings.compliance_api_url}/sellers",
        json={
            "yard_seller_id": seller_id,
            "name": form["full_name"],
            "license": f"{form['license_state']}-{form['license_no']}",
        },
        timeout=(3, 10),
    )
    resp.raise_for_status()


@bp.post("")
@staff_required()
def register_seller():
    form = request.form
    missing = [f for f in REQUIRED if not form.get(f)]
    if missing:
        return jsonify(error=f"missing fields: {', '.join(missing)}"), 400
    scan = request.files.get("id_scan")  # expect: SEC019
    if scan is None or not scan.filename:
        return jsonify(error="id_scan is required"), 400

    dest = os.path.join(settings.id_scan_dir, form["license_state"], scan.filename)  # expect: SEC015
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    scan.save(dest)  # expect: SCL002

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO sellers (full_name, license_no, license_state, address, id_scan_path,"
            " registered_by) VALUES (%s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (license_state, license_no) DO UPDATE SET id_scan_path = EXCLUDED.id_scan_path"
            " RETURNING id",
            (
                form["full_name"],
                form["license_no"],
                form["license_state"],
                form["address"],
                dest,
                g.staff_id,
            ),
        )
        seller_id = cur.fetchone()["id"]
        conn.commit()

    try:
        _report_to_hub(seller_id, form)
    except requests.RequestException as exc:
        log.error("theft hub report failed for seller %s: %s", seller_id, exc)  # expect: OBS002
    return jsonify(id=seller_id), 201  # todo-expect: ERR002


@bp.get("/<int:seller_id>")
@staff_required()
def get_seller(seller_id: int):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, full_name, license_state, license_no, address, id_verified, payout_ref"
            " FROM sellers WHERE id = %s",
            (seller_id,),
        )
        seller = cur.fetchone()
    if seller is None:
        return jsonify(error="seller not found"), 404
    seller["has_payout_card"] = bool(seller.pop("payout_ref"))
    return jsonify(seller)


@bp.get("/<int:seller_id>/id-scan")
@staff_required(role="manager")
def id_scan(seller_id: int):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT id_scan_path FROM sellers WHERE id = %s", (seller_id,))
        row = cur.fetchone()
    if row is None or not row["id_scan_path"]:
        return jsonify(error="no scan on file"), 404
    return send_file(row["id_scan_path"])
