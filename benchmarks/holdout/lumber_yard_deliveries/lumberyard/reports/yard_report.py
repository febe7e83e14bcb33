"""Office reports: the day's deliveries per yard and open contractor balances."""
import datetime as dt
import logging

from flask import Blueprint, abort, current_app, jsonify, request

from ..auth import contractor_required, yard_staff_required
from ..db import cursor

bp = Blueprint("yard_reports", __name__, url_prefix="/reports")
logger = logging.getLogger(__name__)


def _delivery_summary(cur, order_id: int, contractor_id: int) -> dict:
    """Contractor label and load size for one order, as shown on the board."""
    cur.execute(
        "SELECT company_name, account_number, phone FROM contractors WHERE id = %s",
        (contractor_id,),
    )
    contractor = cur.fetchone() or {}
    cur.execute(
        "SELECT COALESCE(SUM(board_feet), 0) AS board_feet, count(*) AS line_count "
        "FROM order_lines WHERE order_id = %s",
        (order_id,),
    )
    load = cur.fetchone()
    return {
        "contractor": f"{contractor.get('company_name', 'unknown')} ({contractor.get('account_number', '-')})",
        "phone": contractor.get("phone"),
        "board_feet": load["board_feet"],
        "line_count": load["line_count"],
    }


@bp.get("/deliveries")
@contractor_required
@yard_staff_required
def deliveries_for_day():
    yard = request.args.get("yard")
    if yard not in current_app.config["YARDS"]:
        abort(400, description="unknown yard")
    try:
        day = dt.date.fromisoformat(request.args.get("day") or dt.date.today().isoformat())
    except ValueError:
        abort(400, description="day must be YYYY-MM-DD")
    start = dt.datetime.combine(day, dt.time.min)

    with cursor() as cur:
        cur.execute(
            "SELECT o.id, o.contractor_id, o.status, o.delivery_address, w.starts_at, w.truck_id "
            "FROM orders o "
            "JOIN truck_bookings b ON b.order_id = o.id "
            "JOIN delivery_windows w ON w.id = b.window_id "
            "WHERE w.yard = %s AND w.starts_at >= %s AND w.starts_at < %s "
            "ORDER BY w.starts_at, w.truck_id",
            (yard, start, start + dt.timedelta(days=1)),
        )
        rows = cur.fetchall()
        board = []
        for row in rows:
            entry = {
                "order_id": row["id"],
                "status": row["status"],
                "address": row["delivery_address"],
                "truck_id": row["truck_id"],
                "departs": row["starts_at"].strftime("%H:%M"),
            }
            entry.update(_delivery_summary(cur, row["id"], row["contractor_id"]))  # expect: DB001
            board.append(entry)
    return jsonify(yard=yard, day=day.isoformat(), deliveries=board)


@bp.get("/balances")
@contractor_required
@yard_staff_required
def open_balances():
    """What each contractor owes for delivered but not yet invoiced orders."""
    with cursor() as cur:
        cur.execute(
            "SELECT c.id, c.company_name, c.account_number, "
            "SUM(l.board_feet * l.unit_price) AS owed, count(DISTINCT o.id) AS orders "
            "FROM contractors c "
            "JOIN orders o ON o.contractor_id = c.id "
            "JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.status = 'delivered' AND o.invoiced_at IS NULL "
            "GROUP BY c.id, c.company_name, c.account_number ORDER BY owed DESC"
        )
        rows = cur.fetchall()  # expect: DB002
    total = sum(row["owed"] for row in rows)
    return jsonify(total_owed=str(total), contractors=rows)
