"""CSV export of every order line in a date range, for the bookkeeper.

Rows are read through a server-side cursor and written to the response as
they arrive, so a year of orders never sits in the worker's memory.
"""
import csv
import io
import logging
from datetime import date, timedelta

from flask import Blueprint, Response, abort, g, request, stream_with_context

from ..auth import staff_required
from ..db import pool

log = logging.getLogger(__name__)
exports_bp = Blueprint("exports", __name__, url_prefix="/api/admin/exports")

MAX_RANGE = timedelta(days=366)
HEADER = ["order_id", "placed_at", "customer_email", "sku", "item", "quantity", "unit_price", "line_total"]


def _parse_range() -> tuple[date, date]:
    try:
        start = date.fromisoformat(request.args["from"])
        end = date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        abort(400, description="from and to (YYYY-MM-DD) are required")
    if end <= start or end - start > MAX_RANGE:
        abort(400, description="the range must be between 1 and 366 days")
    return start, end


def _order_lines(start: date, end: date):
    with pool.connection() as conn:
        with conn.cursor(name="order_lines_export") as cur:
            cur.itersize = 2000
            cur.execute(
                "SELECT o.id, o.placed_at, c.email, k.sku, k.name, l.quantity, l.unit_price_cents "
                "FROM orders o JOIN customers c ON c.id = o.customer_id "
                "JOIN order_lines l ON l.order_id = o.id JOIN hive_kits k ON k.id = l.kit_id "
                "WHERE o.placed_at >= %s AND o.placed_at < %s ORDER BY o.id, l.id",  # ok: DB002
                (start, end),
            )
            yield from cur  # ok: RES003


@exports_bp.get("/order-lines.csv")
@staff_required
def order_lines_csv():
    start, end = _parse_range()
    log.info("staff %s exporting order lines %s..%s", g.customer_id, start, end)

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADER)
        for row in _order_lines(start, end):
            cents = row["quantity"] * row["unit_price_cents"]
            writer.writerow([
                row["id"], row["placed_at"].isoformat(), row["email"], row["sku"], row["name"],
                row["quantity"], f"{row['unit_price_cents'] / 100:.2f}", f"{cents / 100:.2f}",
            ])
            if buf.tell() > 64 * 1024:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate(0)
        yield buf.getvalue()

    filename = f"order-lines-{start}-{end}.csv"
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
