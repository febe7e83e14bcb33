"""Customer portal: order overview, order detail, tuning reports and drawings."""

import io
import logging
import os

from flask import Blueprint, abort, jsonify, request, send_file
from flask_login import current_user, login_required

from foundry.db import connection
from foundry.freight.client import freight_client

bp = Blueprint("portal", __name__, url_prefix="/portal")
logger = logging.getLogger(__name__)

DRAWINGS_DIR = os.environ.get("DRAWINGS_DIR", "/srv/foundry/drawings")
MAX_PER_PAGE = 100


def _order_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "reference": row["reference"],
        "status": row["status"],
        "total_pence": row["total_pence"],
        "created_at": row["created_at"].isoformat(),
    }


def _stage_summary(conn, order_id: int) -> dict:
    rows = conn.execute(
        "SELECT stage, amount_pence, status, settled_at FROM stage_payments WHERE order_id = %s",
        (order_id,),
    ).fetchall()
    return {r["stage"]: {"amount_pence": r["amount_pence"], "status": r["status"]} for r in rows}


@bp.get("/orders")
@login_required
def order_overview():
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = min(max(request.args.get("per_page", 25, type=int), 1), MAX_PER_PAGE)
    with connection() as conn:
        orders = conn.execute(
            "SELECT id, reference, status, total_pence, created_at FROM orders "
            "WHERE customer_id = %s ORDER BY created_at DESC LIMIT %s OFFSET %s",
            (current_user.id, per_page, (page - 1) * per_page),
        ).fetchall()
        items = [{**_order_json(o), "payments": _stage_summary(conn, o["id"])} for o in orders]  # expect: DB001
    return jsonify({"orders": items, "page": page})


@bp.get("/orders/<int:order_id>")
@login_required
def order_detail(order_id: int):
    with connection() as conn:
        order = conn.execute(
            "SELECT id, reference, status, total_pence, created_at, shipment_ref FROM orders "
            "WHERE id = %s AND customer_id = %s",  # ok: SEC018
            (order_id, current_user.id),
        ).fetchone()
        if order is None:
            abort(404, description="order not found")
        bells = conn.execute(
            "SELECT id, note, weight_kg, inscription, status FROM order_bells WHERE order_id = %s ORDER BY id",
            (order_id,),
        ).fetchall()
        payments = _stage_summary(conn, order_id)
    tracking = None
    if order["shipment_ref"]:
        tracking = freight_client().track(order["shipment_ref"])  # todo-expect: ERR003
    return jsonify({**_order_json(order), "bells": bells, "payments": payments, "tracking": tracking})


@bp.get("/reports/<int:report_id>.pdf")
@login_required
def tuning_report(report_id: int):
    with connection() as conn:
        report = conn.execute(
            "SELECT id, order_id, bell_id, pdf_bytes FROM tuning_reports WHERE id = %s",  # expect: SEC018
            (report_id,),
        ).fetchone()
    if report is None:
        abort(404, description="report not found")
    return send_file(
        io.BytesIO(report["pdf_bytes"]),
        mimetype="application/pdf",
        download_name=f"tuning-report-{report['bell_id']}.pdf",
    )


@bp.get("/drawings")
@login_required
def drawing():
    """Profile drawings the drawing office exported for this customer's bells."""
    name = request.args.get("file", "")
    if not name.lower().endswith((".pdf", ".dxf", ".png")):
        abort(400, description="unsupported drawing type")
    path = os.path.join(DRAWINGS_DIR, str(current_user.id), name)  # expect: SEC015
    if not os.path.isfile(path):
        abort(404, description="drawing not found")
    return send_file(path, as_attachment=True)
