"""Back-office tools: coverage area uploads, premises import from survey CSVs, customer search."""
import csv
import io
import logging
from functools import wraps

import yaml
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")

PREMISES_COLUMNS = ("uprn", "postcode", "address_line", "technology", "max_down_mbps", "serviceable")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        assert current_user.role == "admin", "admin only"  # expect: SEC017
        return view(*args, **kwargs)

    return wrapper


@bp.post("/coverage-areas")
@admin_required
def upload_coverage_areas():
    upload = request.files.get("areas")
    if upload is None:
        return jsonify(error="attach the areas YAML as 'areas'"), 400
    areas = yaml.load(upload.stream, Loader=yaml.Loader)  # expect: SEC004
    if not isinstance(areas, list):
        return jsonify(error="expected a list of areas"), 400
    rows = [(a["code"], a["name"], a.get("region", "north"), bool(a.get("live", False))) for a in areas]
    with connection() as conn:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO coverage_areas (code, name, region, live) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, region = EXCLUDED.region, live = EXCLUDED.live",
                rows,
            )
    log.info("user %s uploaded %d coverage areas", current_user.id, len(rows))
    return jsonify(areas=len(rows))


@bp.post("/premises/import")
@admin_required
def import_premises():
    upload = request.files.get("csv")
    if upload is None:
        return jsonify(error="attach the survey CSV as 'csv'"), 400
    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8-sig"))
    missing = set(PREMISES_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        return jsonify(error=f"missing columns: {sorted(missing)}"), 400

    imported = 0
    with connection() as conn:
        for row in reader:
            conn.execute(
                "INSERT INTO premises (uprn, postcode, address_line, technology, max_down_mbps, serviceable) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (uprn) DO UPDATE SET technology = EXCLUDED.technology, "
                "max_down_mbps = EXCLUDED.max_down_mbps, serviceable = EXCLUDED.serviceable",
                (
                    int(row["uprn"]),
                    row["postcode"].strip().upper(),
                    row["address_line"].strip(),
                    row["technology"].strip().lower(),
                    int(row["max_down_mbps"] or 0),
                    row["serviceable"].strip().lower() in ("1", "true", "yes"),
                ),
            )
            conn.commit()  # expect: DB003
            imported += 1
    log.info("user %s imported %d premises", current_user.id, imported)
    return jsonify(imported=imported)


@bp.get("/customers/search")
@admin_required
def search_customers():
    q = request.args.get("q", "").strip()
    if len(q) < 3:
        return jsonify(error="type at least 3 characters"), 400
    with connection() as conn:
        rows = conn.execute(  # expect: DB006
            "SELECT id, account_number, name, email, status FROM customers "
            "WHERE email ILIKE %s OR name ILIKE %s ORDER BY id DESC LIMIT 50",
            (f"%{q}%", f"%{q}%"),
        ).fetchall()
    return jsonify(customers=rows)
