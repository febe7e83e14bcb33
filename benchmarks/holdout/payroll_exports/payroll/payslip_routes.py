import logging

from flask import Blueprint, abort, current_app, jsonify, redirect, request

from . import db, payslip_service
from .app import current_user, login_required, role_required

logger = logging.getLogger(__name__)
bp = Blueprint("payslips", __name__)

SORTABLE = {"period": "p.period_end", "name": "e.last_name", "net": "p.net_cents"}
PAGE_SIZE = 50


def _page_args():
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    return PAGE_SIZE, (page - 1) * PAGE_SIZE


@bp.get("/mine")
@login_required
def my_payslips():
    user = current_user()
    limit, offset = _page_args()
    with db.cursor() as cur:
        rows = db.fetch_page(
            cur,
            "SELECT id, period_start, period_end, net_cents, currency FROM payslips "
            "WHERE employee_id = %s ORDER BY period_end DESC",
            (user["employee_id"],),
            limit,
            offset,
        )
    return jsonify({"payslips": rows})


@bp.get("/<int:payslip_id>/pdf")
@login_required
def download_pdf(payslip_id):
    with db.cursor() as cur:
        cur.execute(  # todo-expect: SEC018
            "SELECT id, s3_key FROM payslips WHERE id = %s", (payslip_id,)
        )
        row = cur.fetchone()
    if row is None:
        abort(404)
    url = payslip_service.presigned_url(current_app.config["PAYROLL"], row["s3_key"])
    logger.info("user %s downloaded payslip %s", current_user()["id"], payslip_id)
    return redirect(url, code=302)


@bp.get("/search")
@role_required("payroll_admin")
def search_payslips():
    term = request.args.get("q", "").strip()
    sort = request.args.get("sort", "period")
    direction = "DESC" if request.args.get("dir", "desc") == "desc" else "ASC"
    order_col = SORTABLE.get(sort, SORTABLE["period"])
    company_id = current_user()["company_id"]
    with db.cursor() as cur:
        cur.execute(
            f"SELECT p.id, e.first_name, e.last_name, p.period_end, p.net_cents "
            f"FROM payslips p JOIN employees e ON e.id = p.employee_id "
            f"WHERE e.company_id = %s AND e.last_name ILIKE %s "  # expect: DB006
            f"ORDER BY {order_col} {direction} LIMIT 100",  # ok: SEC001
            (company_id, f"%{term}%"),
        )
        rows = cur.fetchall()
    return jsonify({"results": rows})


@bp.get("/company")
@role_required("payroll_admin")
def company_payslips():
    company_id = current_user()["company_id"]
    status = request.args.get("status", "issued")
    since = request.args.get("since", "2000-01-01")
    with db.cursor() as cur:
        cur.execute(
            "SELECT p.id, p.employee_id, p.period_end, p.net_cents, p.status FROM payslips p "
            "JOIN employees e ON e.id = p.employee_id WHERE e.company_id = %s "
            f"AND p.period_end >= '{since}' AND p.status = %s "  # expect: SEC001
            "ORDER BY p.period_end DESC",
            (company_id, status),
        )
        rows = cur.fetchall()  # expect: DB002
    total = sum(r["net_cents"] for r in rows)
    return jsonify({"count": len(rows), "net_total_cents": total, "payslips": rows})
