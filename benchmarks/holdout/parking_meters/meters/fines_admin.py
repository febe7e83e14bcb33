import logging

from flask import Blueprint, g, jsonify, request

from .auth import role_required
from .db import fetch_page, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("fines_admin", __name__, url_prefix="/api/admin/fines")

SORT_COLUMNS = {"issued_at": "issued_at", "amount": "amount_cents", "zone": "zone_id"}
STATUSES = {"issued", "under_appeal", "paid", "void", "escalated"}


@bp.get("")
@role_required("supervisor")
def list_fines():
    status = request.args.get("status", "issued")
    if status not in STATUSES:
        return jsonify(error="invalid_status"), 422
    sort = SORT_COLUMNS.get(request.args.get("sort", ""), "issued_at")
    direction = "ASC" if request.args.get("order") == "asc" else "DESC"
    page = max(int(request.args.get("page", 1)), 1)
    page_size = min(int(request.args.get("page_size", 50)), 200)
    rows = fetch_page(
        f"SELECT id, notice_number, plate, zone_id, issued_at, amount_cents, status"
        f" FROM fines WHERE status = %s ORDER BY {sort} {direction}, id",  # ok: SEC001
        (status,),
        limit=page_size,
        offset=(page - 1) * page_size,
    )  # ok: DB002
    return jsonify(page=page, fines=[
        {**r, "issued_at": r["issued_at"].isoformat()} for r in rows
    ])


@bp.post("/<int:fine_id>/void")
@role_required("supervisor")  # ok: SEC018
def void_fine(fine_id: int):
    reason = str((request.get_json(silent=True) or {}).get("reason", "")).strip()
    if not reason:
        return jsonify(error="reason_required"), 422
    with transaction() as conn:
        row = conn.execute(
            "UPDATE fines SET status = 'void', voided_by = %s, void_reason = %s"
            " WHERE id = %s AND status IN ('issued', 'under_appeal') RETURNING id, amount_cents",
            (g.user["id"], reason[:500], fine_id),
        ).fetchone()  # ok: DB004
        if row is None:
            return jsonify(error="not_voidable"), 409
        conn.execute(
            "INSERT INTO fine_audit (fine_id, actor_id, action, detail) VALUES (%s, %s, 'void', %s)",
            (fine_id, g.user["id"], reason[:500]),
        )
    logger.info("fine %s voided by %s", fine_id, g.user["id"])
    return jsonify(id=fine_id, status="void")


@bp.post("/<int:fine_id>/appeal-decision")
@role_required("supervisor")
def decide_appeal(fine_id: int):
    body = request.get_json(silent=True) or {}
    upheld = bool(body.get("upheld"))
    new_status = "void" if upheld else "issued"
    with transaction() as conn:
        row = conn.execute(
            "UPDATE fines SET status = %s WHERE id = %s AND status = 'under_appeal' RETURNING id",
            (new_status, fine_id),
        ).fetchone()
        if row is None:
            return jsonify(error="no_pending_appeal"), 409
        conn.execute(
            "UPDATE fine_appeals SET decided_by = %s, decided_at = now(), upheld = %s"
            " WHERE fine_id = %s AND decided_at IS NULL",
            (g.user["id"], upheld, fine_id),
        )
        conn.execute(
            "INSERT INTO fine_audit (fine_id, actor_id, action, detail) VALUES (%s, %s, 'appeal', %s)",
            (fine_id, g.user["id"], "upheld" if upheld else "rejected"),
        )
    logger.info("appeal on fine %s decided by %s upheld=%s", fine_id, g.user["id"], upheld)
    return jsonify(id=fine_id, status=new_status)
