"""Back-office endpoints for the packing-shed team."""
import functools
import logging

from flask import Blueprint, abort, jsonify, render_template_string, request, session

from .db import get_db

logger = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")

SUMMARY_BODY = """
<table>
  <tr><th>Box</th><th>Orders</th><th>Skipped</th></tr>
  {% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.confirmed }}</td><td>{{ row.skipped }}</td></tr>{% endfor %}
</table>
"""


def admin_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not session.get("is_admin"):  # ok: SEC017
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/customers")
@admin_required
def list_customers():
    with get_db().cursor() as cur:
        cur.execute("SELECT id, email, first_name, subscribed, created_at FROM customers ORDER BY created_at DESC")
        customers = cur.fetchall()  # expect: DB002
    return jsonify(customers=customers)


@bp.get("/customers/search")
@admin_required
def search_customers():
    term = request.args.get("q", "").strip().lower()
    if len(term) < 3:
        return jsonify(error="search term must be at least 3 characters"), 400
    pattern = f"%{term}%"
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT id, email, first_name FROM customers WHERE lower(email) LIKE %s OR lower(first_name) LIKE %s "  # expect: DB006
            "ORDER BY email LIMIT 50",
            (pattern, pattern),
        )
        rows = cur.fetchall()
    return jsonify(results=rows)


@bp.post("/orders/<int:order_id>/credit")
def credit_order(order_id):
    assert session.get("is_admin"), "admin only"  # expect: SEC017
    amount = request.form.get("amount_pence", type=int)
    if not amount or amount <= 0:
        return jsonify(error="amount_pence must be a positive integer"), 400
    with get_db().cursor() as cur:
        cur.execute("SELECT customer_id FROM orders WHERE id = %s", (order_id,))
        order = cur.fetchone()
        if order is None:
            abort(404)
        cur.execute("SELECT balance_pence FROM customer_credit WHERE customer_id = %s", (order["customer_id"],))
        credit = cur.fetchone()
        new_balance = (credit["balance_pence"] if credit else 0) + amount
        cur.execute(
            "INSERT INTO customer_credit (customer_id, balance_pence) VALUES (%s, %s) "  # expect: DB004
            "ON CONFLICT (customer_id) DO UPDATE SET balance_pence = EXCLUDED.balance_pence",
            (order["customer_id"], new_balance),
        )
    logger.info("order %s credited %s pence by admin %s", order_id, amount, session.get("user_email"))
    return jsonify(order_id=order_id, credit_balance_pence=new_balance)


@bp.get("/weeks/<week_start>/summary")
@admin_required
def week_summary(week_start):
    title = request.args.get("title", f"Week of {week_start}")
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT b.name, COUNT(*) FILTER (WHERE o.status = 'confirmed') AS confirmed, "
            "COUNT(*) FILTER (WHERE o.status = 'skipped') AS skipped "
            "FROM orders o JOIN box_types b ON b.id = o.box_type_id WHERE o.week_start = %s GROUP BY b.name",
            (week_start,),
        )
        rows = cur.fetchall()
    return render_template_string("<h1>" + title + "</h1>" + SUMMARY_BODY, rows=rows)  # expect: SEC016
