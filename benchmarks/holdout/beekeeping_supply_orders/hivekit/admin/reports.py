"""Staff reports: monthly sales, best sellers and customer lookup."""
import logging
from datetime import datetime, timedelta

from flask import Blueprint, abort, jsonify, request

from ..auth import staff_required
from ..db import pool

log = logging.getLogger(__name__)
reports_bp = Blueprint("reports", __name__, url_prefix="/api/admin/reports")


def _month_bounds():
    try:
        start = datetime.strptime(request.args["month"], "%Y-%m").date()
    except (KeyError, ValueError):
        abort(400, description="month=YYYY-MM is required")
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, end


def _line_summary(conn, order_id: int) -> str:
    lines = conn.execute(
        "SELECT k.sku, l.quantity FROM order_lines l JOIN hive_kits k ON k.id = l.kit_id "
        "WHERE l.order_id = %s ORDER BY l.id",
        (order_id,),
    ).fetchall()
    return ", ".join(f"{l['quantity']}x {l['sku']}" for l in lines)


@reports_bp.get("/monthly-sales")
@staff_required
def monthly_sales():
    start, end = _month_bounds()
    with pool.connection() as conn:
        orders = conn.execute("SELECT id, customer_id, placed_at, total_cents, status FROM orders WHERE placed_at >= %s AND placed_at < %s ORDER BY placed_at", (start, end)).fetchall()  # expect: DB002
        report = []
        for order in orders:
            report.append({
                "order_id": order["id"],
                "customer_id": order["customer_id"],
                "placed_at": order["placed_at"].isoformat(),
                "status": order["status"],
                "total": (order["total_cents"] or 0) / 100,
                "lines": _line_summary(conn, order["id"]),  # expect: DB001
            })
    revenue = sum(r["total"] for r in report if r["status"] in ("paid", "shipped"))
    return jsonify(month=start.strftime("%Y-%m"), orders=report, revenue=round(revenue, 2))


@reports_bp.get("/best-sellers")
@staff_required
def best_sellers():
    start, end = _month_bounds()
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT k.sku, k.name, SUM(l.quantity) AS units, SUM(l.quantity * l.unit_price_cents) AS cents "
            "FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN hive_kits k ON k.id = l.kit_id "
            "WHERE o.placed_at >= %s AND o.placed_at < %s AND o.status IN ('paid', 'shipped') "
            "GROUP BY k.sku, k.name ORDER BY units DESC LIMIT 20",
            (start, end),
        ).fetchall()
    return jsonify(items=[{"sku": r["sku"], "name": r["name"], "units": r["units"],
                           "revenue": r["cents"] / 100} for r in rows])


@reports_bp.get("/customers")
@staff_required
def customer_lookup():
    q = request.args.get("q", "").strip().lower()
    if len(q) < 3:
        abort(400, description="q must be at least 3 characters")
    with pool.connection() as conn:
        rows = conn.execute("SELECT id, email, full_name, created_at FROM customers WHERE lower(full_name) LIKE %s OR lower(email) LIKE %s ORDER BY full_name LIMIT 50", (f"%{q}%", f"%{q}%")).fetchall()  # expect: DB006
    log.info("customer lookup returned %d rows", len(rows))
    return jsonify(customers=[
        {"id": r["id"], "email": r["email"], "name": r["full_name"], "since": r["created_at"].date().isoformat()}
        for r in rows
    ])
