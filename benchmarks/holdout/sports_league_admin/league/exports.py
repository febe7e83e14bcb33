"""CSV exports for the league office, and the bulk roster import."""
import csv
import io
import logging
import os
import shutil
import subprocess
import tempfile

from flask import Blueprint, Response, abort, jsonify, request, send_file

from .auth import admin_required
from .db import get_conn, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("exports", __name__, url_prefix="/exports")

ARCHIVE_QUERIES = {
    "teams": "SELECT t.id, t.name, d.name AS division, t.fee_status FROM teams t"
    " JOIN divisions d ON d.id = t.division_id WHERE d.season_id = %(season_id)s ORDER BY t.id",
    "fixtures": "SELECT f.* FROM fixtures f JOIN divisions d ON d.id = f.division_id"
    " WHERE d.season_id = %(season_id)s ORDER BY f.match_date, f.id",
}


def _team_name(cur, team_id):
    cur.execute("SELECT name FROM teams WHERE id = %s", (team_id,))
    row = cur.fetchone()
    return row["name"] if row else ""


@bp.get("/seasons/<int:season_id>/fixtures.csv")
@admin_required
def fixtures_csv(season_id):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["fixture_id", "round", "date", "home", "away", "home_goals", "away_goals", "status"])
    with transaction() as cur:
        cur.execute(
            "SELECT f.id, f.round, f.match_date, f.home_team_id, f.away_team_id, f.home_goals, f.away_goals, f.status"
            " FROM fixtures f JOIN divisions d ON d.id = f.division_id WHERE d.season_id = %s"
            " ORDER BY f.match_date, f.id",
            (season_id,),
        )
        fixtures = cur.fetchall()
        for f in fixtures:
            home = _team_name(cur, f["home_team_id"])  # expect: DB001
            away = _team_name(cur, f["away_team_id"])
            writer.writerow([f["id"], f["round"], f["match_date"].isoformat(), home, away,
                             f["home_goals"], f["away_goals"], f["status"]])
    return Response(
        buf.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=season-{season_id}-fixtures.csv"},
    )


@bp.get("/seasons/<int:season_id>/archive.zip")
@admin_required
def season_archive(season_id):
    label = request.args.get("label", f"season-{season_id}")
    workdir = tempfile.mkdtemp(prefix="league-export-")
    try:
        with transaction() as cur:
            for name, sql in ARCHIVE_QUERIES.items():
                copy_sql = cur.mogrify(sql, {"season_id": season_id}).decode()
                with open(os.path.join(workdir, f"{name}.csv"), "w", encoding="utf-8") as fh:
                    cur.copy_expert(f"COPY ({copy_sql}) TO STDOUT WITH CSV HEADER", fh)  # ok: SEC001
        archive = os.path.join(workdir, f"{label}.zip")  # expect: SEC015
        subprocess.run(f"cd {workdir} && zip -q {label}.zip *.csv", shell=True, check=True, timeout=60)  # expect: SEC002
        return send_file(archive, as_attachment=True, download_name=f"{label}.zip")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@bp.post("/rosters/import")
@admin_required
def import_roster():
    upload = request.files.get("file")
    if upload is None or not upload.filename.lower().endswith(".csv"):
        abort(400)
    reader = csv.DictReader(io.TextIOWrapper(upload.stream, encoding="utf-8-sig"))
    conn = get_conn()
    imported = 0
    with conn.cursor() as cur:
        for row in reader:
            cur.execute(
                "INSERT INTO players (full_name, license_no, birth_date, team_id) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (license_no) DO UPDATE SET full_name = EXCLUDED.full_name, team_id = EXCLUDED.team_id",
                (row["full_name"].strip(), row["license_no"].strip(), row["birth_date"] or None, row["team_id"] or None),
            )
            conn.commit()  # expect: DB003
            imported += 1
    logger.info("roster import %s: %d rows", upload.filename, imported)
    return jsonify(imported=imported)
