"""Office exports (v2): season PDF without a shell, and a streamed tally CSV."""
import csv
import io
import logging
import os
import subprocess
import tempfile

from flask import Blueprint, Response, abort, current_app, g, render_template, request, send_file, stream_with_context

from shearing.admin.reports import SEASON_SQL, season_bounds
from shearing.auth import admin_required
from shearing.db import get_conn, get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("exports", __name__, url_prefix="/v2/admin/exports")


@bp.get("/season/<int:season>.pdf")
@admin_required
def season_pdf(season: int):
    farm = request.args.get("farm", "")[:120]
    with get_cursor() as cur:
        cur.execute(SEASON_SQL, (g.user["contractor_id"], *season_bounds(season), farm, farm))
        rows = cur.fetchall()

    html = render_template("reports/season.html", rows=rows, season=season, farm=farm)
    with tempfile.TemporaryDirectory() as tmp:  # ok: SCL002
        html_path = os.path.join(tmp, "season.html")
        pdf_path = os.path.join(tmp, "season.pdf")
        with open(html_path, "w", encoding="utf-8") as fh:
            fh.write(html)
        try:
            subprocess.run(  # ok: SEC002
                [current_app.config["WKHTMLTOPDF"], "--quiet", "--title", f"Season {season} {farm}".strip(),
                 html_path, pdf_path],
                check=True,
                timeout=120,
                capture_output=True,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            logger.exception("wkhtmltopdf failed for season %s", season)
            abort(503, "The PDF renderer failed; try again shortly.")
        with open(pdf_path, "rb") as fh:
            pdf = io.BytesIO(fh.read())

    logger.info("season %s report generated (%d bytes)", season, pdf.getbuffer().nbytes)
    return send_file(pdf, mimetype="application/pdf", download_name=f"season-{season}.pdf")


def _tally_rows(contractor_id: int, start, end):
    """Yields CSV lines from a server-side cursor, 2000 rows per round trip."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["run_date", "shearer", "gang", "sheep_class", "head_count"])
    yield buffer.getvalue()
    with get_conn() as conn:
        with conn.cursor(name="tally_export") as cur:
            cur.itersize = 2000
            cur.execute(
                """SELECT t.run_date, s.name, gg.name, t.sheep_class, t.head_count
                     FROM tallies t
                     JOIN shearers s ON s.id = t.shearer_id
                     JOIN gangs gg ON gg.id = s.gang_id
                    WHERE gg.contractor_id = %s AND t.run_date BETWEEN %s AND %s
                    ORDER BY t.run_date, s.name""",
                (contractor_id, start, end),
            )
            for row in cur:  # ok: DB001
                buffer.seek(0)
                buffer.truncate()
                writer.writerow([row[0].isoformat(), *row[1:]])
                yield buffer.getvalue()


@bp.get("/tallies/<int:season>.csv")
@admin_required
def tally_csv(season: int):
    start, end = season_bounds(season)
    logger.info("tally export for season %s started", season)
    return Response(
        stream_with_context(_tally_rows(g.user["contractor_id"], start, end)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="tallies-{season}.csv"'},
    )
