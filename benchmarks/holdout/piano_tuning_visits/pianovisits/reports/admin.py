"""Office reports and bulk maintenance for administrators."""

import csv
import io
import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request

from ..auth import admin_required
from ..db import connection

log = logging.getLogger(__name__)
bp = Blueprint("admin_reports", __name__, url_prefix="/admin")

MAX_PRICE_LIST_BYTES = 2 * 1024 * 1024


def _year_bounds() -> tuple[date, date]:
    year = request.args.get("year", type=int) or date.today().year
    if not 2015 <= year <= date.today().year + 1:
        abort(400, description="year out of range")
    return date(year, 1, 1), date(year + 1, 1, 1)


@bp.get("/reports/visits")
@admin_required
def visits_report():
    start, end = _year_bounds()
    sort = request.args.get("sort", "v.starts_at")
    with connection() as conn:
        rows = conn.execute(f"SELECT v.id, v.starts_at, v.status, c.full_name AS customer, t.display_name AS technician FROM visits v JOIN customers c ON c.id = v.customer_id JOIN technicians t ON t.id = v.technician_id WHERE v.starts_at >= %s AND v.starts_at < %s ORDER BY {sort}", (start, end)).fetchall()  # expect: SEC001, DB002
    return jsonify(
        year=start.year,
        visits=[{**r, "starts_at": r["starts_at"].isoformat()} for r in rows],
    )


@bp.get("/reports/technicians/payroll")
def technician_payroll():  # expect: SEC018
    start, end = _year_bounds()
    with connection() as conn:
        rows = conn.execute(
            "SELECT t.id, t.display_name, t.bank_sort_code, t.bank_account_number,"
            " count(v.id) AS visits, coalesce(sum(i.total_cents), 0) AS billed_cents"
            " FROM technicians t"
            " LEFT JOIN visits v ON v.technician_id = t.id AND v.status = 'completed'"
            " AND v.starts_at >= %s AND v.starts_at < %s"
            " LEFT JOIN invoices i ON i.visit_id = v.id"
            " GROUP BY t.id ORDER BY t.display_name",
            (start, end),
        ).fetchall()
    return jsonify(year=start.year, technicians=rows)


@bp.post("/parts/price-list")
@admin_required
def import_price_list():
    """Upload the wholesaler's quarterly CSV price list (sku,name,unit_price_pence)."""
    if (request.content_length or 0) > MAX_PRICE_LIST_BYTES:
        abort(413)
    upload = request.files.get("file")
    if upload is None:
        abort(400, description="file is required")

    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8"))
    imported = 0
    with connection() as conn:
        for row in reader:
            try:
                price = int(row["unit_price_pence"])
            except (KeyError, ValueError):
                log.warning("price list row %d skipped: bad price", reader.line_num)
                continue
            conn.execute(
                "INSERT INTO parts (sku, name, unit_price_cents) VALUES (%s, %s, %s)"
                " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name,"
                " unit_price_cents = EXCLUDED.unit_price_cents",
                (row["sku"].strip(), row["name"].strip(), price),
            )
            conn.commit()  # expect: DB003
            imported += 1
    log.info("price list imported: %d rows", imported)
    return jsonify(imported=imported)
