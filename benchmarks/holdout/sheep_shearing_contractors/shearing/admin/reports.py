"""Office reports: season summary PDF and the gang leaderboard."""
import logging
import os
import subprocess
import tempfile
from datetime import date
from io import BytesIO

import psycopg2
from flask import Blueprint, current_app, g, jsonify, render_template, request, send_file

from shearing.auth import admin_required
from shearing.db import get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("reports", __name__, url_prefix="/admin/reports")

SEASON_SQL = """
    SELECT f.name AS farm, COUNT(v.id) AS visits, COALESCE(SUM(v.expected_head), 0) AS head,
           COALESCE(SUM(bw.kg), 0) AS wool_kg
      FROM farms f
      JOIN visits v ON v.farm_id = f.id
      LEFT JOIN LATERAL (SELECT SUM(net_kg) AS kg FROM bales WHERE bales.visit_id = v.id) bw ON true
     WHERE f.contractor_id = %s AND v.visit_date BETWEEN %s AND %s AND (%s = '' OR f.name = %s)
     GROUP BY f.name
     ORDER BY f.name
"""


def season_bounds(season: int) -> tuple[date, date]:
    """A shearing season runs July to June and is named by its first year."""
    return date(season, 7, 1), date(season + 1, 6, 30)


@bp.get("/season/<int:season>.pdf")
@admin_required
def season_pdf(season: int):
    farm = request.args.get("farm", "")
    with get_cursor() as cur:
        cur.execute(SEASON_SQL, (g.user["contractor_id"], *season_bounds(season), farm, farm))
        rows = cur.fetchall()

    html = render_template("reports/season.html", rows=rows, season=season, farm=farm)
    with tempfile.TemporaryDirectory() as tmp:
        html_path = os.path.join(tmp, "season.html")
        pdf_path = os.path.join(tmp, "season.pdf")
        with open(html_path, "w", encoding="utf-8") as fh:
            fh.write(html)
        title = f"Season {season} {farm}".strip()
        cmd = f"{current_app.config['WKHTMLTOPDF']} --quiet --title '{title}' {html_path} {pdf_path}"
        subprocess.run(cmd, shell=True, check=True, timeout=120)  # expect: SEC002
        with open(pdf_path, "rb") as fh:
            pdf = fh.read()

    print(f"season report {season} generated, {len(pdf)} bytes")  # expect: OBS001
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"season-{season}.pdf")


@bp.get("/leaderboard/<int:season>")
@admin_required
def gang_leaderboard(season: int):
    try:
        with get_cursor() as cur:
            cur.execute(
                """SELECT gg.name AS gang, SUM(t.head_count) AS head, COUNT(DISTINCT t.run_date) AS days
                     FROM tallies t
                     JOIN shearers s ON s.id = t.shearer_id
                     JOIN gangs gg ON gg.id = s.gang_id
                    WHERE gg.contractor_id = %s AND t.run_date BETWEEN %s AND %s
                    GROUP BY gg.name
                    ORDER BY head DESC
                    LIMIT 20""",
                (g.user["contractor_id"], *season_bounds(season)),
            )
            rows = cur.fetchall()
    except psycopg2.Error as e:
        logger.error(f"leaderboard query failed: {e}")  # expect: OBS002
        return jsonify(error="report unavailable"), 503
    return jsonify(
        season=season,
        gangs=[{"gang": r["gang"], "head": int(r["head"]), "days": r["days"],
                "per_day": round(int(r["head"]) / r["days"]) if r["days"] else 0} for r in rows],
    )
