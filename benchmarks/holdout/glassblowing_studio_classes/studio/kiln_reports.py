"""Kiln utilisation for the studio manager, on screen and as a CSV download."""
import csv
import io
import logging
from datetime import date, timedelta

from flask import Blueprint, Response, jsonify, request, stream_with_context
from psycopg import sql

from .auth import staff_required
from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("kiln_reports", __name__, url_prefix="/admin/kilns")

SORT_COLUMNS = {"kiln": "kiln", "firings": "firings", "pieces": "pieces"}

USAGE_SQL = (
    "SELECT k.name AS kiln, count(DISTINCT l.id) AS firings, count(p.id) AS pieces "
    "FROM kilns k LEFT JOIN kiln_loads l ON l.kiln_id = k.id AND l.fire_date >= %s "
    "LEFT JOIN kiln_pieces p ON p.load_id = l.id GROUP BY k.name ORDER BY {} {}"
)

EXPORT_SQL = (
    "SELECT l.fire_date, k.name AS kiln, l.program_name, p.title, s.display_name "
    "FROM kiln_loads l JOIN kilns k ON k.id = l.kiln_id "
    "JOIN kiln_pieces p ON p.load_id = l.id JOIN students s ON s.id = p.student_id "
    "WHERE l.fire_date >= %s ORDER BY l.fire_date, k.name"
)


def _since():
    days = min(int(request.args.get("days", 90)), 730)
    return date.today() - timedelta(days=days)


@bp.get("/usage")
@staff_required
def usage():
    column = SORT_COLUMNS.get(request.args.get("sort"), "kiln")
    direction = sql.SQL("DESC") if request.args.get("desc") == "1" else sql.SQL("ASC")
    query = sql.SQL(USAGE_SQL).format(sql.Identifier(column), direction)
    with connection() as conn:
        rows = conn.execute(query, (_since(),)).fetchall()  # ok: SEC001
    return jsonify(kilns=rows)


@bp.get("/pieces.csv")
@staff_required
def export_pieces():
    since = _since()

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["fire_date", "kiln", "program", "piece", "maker"])
        yield buffer.getvalue()
        with connection() as conn:
            with conn.cursor(name="kiln_pieces_export") as cur:
                cur.itersize = 1000
                cur.execute(EXPORT_SQL, (since,))
                for row in cur:  # ok: RES003, DB002
                    buffer.seek(0)
                    buffer.truncate()
                    writer.writerow([row["fire_date"], row["kiln"], row["program_name"], row["title"], row["display_name"]])
                    yield buffer.getvalue()
        log.info("kiln pieces export since %s finished", since)

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=kiln-pieces-{since.isoformat()}.csv"},
    )
