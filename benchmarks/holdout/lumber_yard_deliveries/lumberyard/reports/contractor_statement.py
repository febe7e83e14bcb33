"""Contractor statements: a contractor's own order lines as CSV, and a yearly summary.

The CSV is streamed from a server-side cursor, so a large account's statement
never sits in memory as a whole.
"""
import csv
import datetime as dt
import io
import logging

from flask import Blueprint, Response, abort, g, jsonify, request, stream_with_context
from psycopg2.extras import RealDictCursor

from ..auth import contractor_required
from ..db import cursor, get_conn

bp = Blueprint("statements", __name__, url_prefix="/statements")
logger = logging.getLogger(__name__)

HEADER = ["order_id", "order_date", "yard", "sku", "board_feet", "unit_price", "line_total"]


def _date_arg(name: str, default: dt.date) -> dt.date:
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be YYYY-MM-DD")


@bp.get("/lines.csv")
@contractor_required
def statement_csv():
    today = dt.date.today()
    start = _date_arg("from", today.replace(day=1))
    end = _date_arg("to", today) + dt.timedelta(days=1)
    contractor_id = g.contractor_id

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        with get_conn().cursor(name=f"statement_{contractor_id}", cursor_factory=RealDictCursor) as cur:
            cur.itersize = 2000
            cur.execute(  # ok: DB002
                "SELECT o.id, o.created_at, o.yard, l.sku, l.board_feet, l.unit_price "
                "FROM orders o JOIN order_lines l ON l.order_id = o.id "
                "WHERE o.contractor_id = %s AND o.created_at >= %s AND o.created_at < %s "
                "ORDER BY o.id, l.id",
                (contractor_id, start, end),
            )
            for row in cur:
                writer.writerow([
                    row["id"], row["created_at"].date().isoformat(), row["yard"], row["sku"],
                    row["board_feet"], row["unit_price"], row["board_feet"] * row["unit_price"],
                ])
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    filename = f"statement-{start.isoformat()}-{(end - dt.timedelta(days=1)).isoformat()}.csv"
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/summary")
@contractor_required
def yearly_summary():
    """Totals per month for the last twelve months."""
    since = (dt.date.today().replace(day=1) - dt.timedelta(days=365)).replace(day=1)
    with cursor() as cur:
        cur.execute(
            "SELECT date_trunc('month', o.created_at)::date AS month, "
            "count(DISTINCT o.id) AS orders, SUM(l.board_feet * l.unit_price) AS total "
            "FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.contractor_id = %s AND o.created_at >= %s "
            "GROUP BY 1 ORDER BY 1",
            (g.contractor_id, since),
        )
        months = cur.fetchall()
    return jsonify(since=since.isoformat(), months=months)
