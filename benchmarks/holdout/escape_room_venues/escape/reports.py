"""Nightly revenue report: one run per day, e-mailed to the owners as CSV."""
import csv
import io
import logging
from datetime import date, datetime, time, timedelta

import click
import requests
from flask import Flask

from escape.db import get_conn, streaming_cursor, try_advisory_lock

logger = logging.getLogger("escape.reports")
REPORT_LOCK_KEY = 7_301_001
COLUMNS = ["venue", "room", "games", "players", "revenue_pence", "deposits_pence"]


def build_revenue_csv(day: date) -> str:
    start = datetime.combine(day, time.min)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    with streaming_cursor("revenue_report") as cur:
        cur.execute(
            "SELECT v.name AS venue, r.name AS room, count(*) AS games, sum(b.players) AS players, "
            "sum(b.total_pence) AS revenue_pence, "
            "coalesce(sum(b.deposit_pence) FILTER (WHERE b.deposit_status = 'paid'), 0) AS deposits_pence "
            "FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN rooms r ON r.id = s.room_id "
            "JOIN venues v ON v.id = r.venue_id "
            "WHERE s.starts_at >= %s AND s.starts_at < %s AND b.status = 'confirmed' "
            "GROUP BY v.name, r.name ORDER BY v.name, r.name",
            (start, start + timedelta(days=1)),
        )
        for row in cur:  # ok: RES003
            writer.writerow([row[c] for c in COLUMNS])
    return buf.getvalue()


def send_nightly_revenue_report(app: Flask, day: date | None = None) -> bool:
    """Send the report for ``day`` (default: yesterday) unless it was already sent."""
    with app.app_context():
        cfg = app.config
        day = day or date.today() - timedelta(days=1)
        with get_conn() as conn, conn.cursor() as cur:
            if not try_advisory_lock(cur, REPORT_LOCK_KEY):
                logger.info("revenue report for %s already running elsewhere", day)
                return False
            cur.execute(
                "INSERT INTO report_runs (report, day) VALUES ('revenue', %s) ON CONFLICT DO NOTHING RETURNING id",
                (day,),
            )
            if cur.fetchone() is None:
                logger.info("revenue report for %s already sent", day)
                return False
            resp = requests.post(  # ok: REL001, REL004
                cfg["MAIL_API_URL"],
                headers={"Authorization": f"Bearer {cfg['MAIL_API_KEY']}"},
                data={"to": ",".join(cfg["REPORT_RECIPIENTS"]), "subject": f"Revenue {day.isoformat()}"},
                files={"attachment": (f"revenue-{day.isoformat()}.csv", build_revenue_csv(day), "text/csv")},
                timeout=cfg["HTTP_TIMEOUT"],
            )
            resp.raise_for_status()
        logger.info("revenue report for %s sent to %d recipients", day, len(cfg["REPORT_RECIPIENTS"]))
        return True


def register_cli(app: Flask) -> None:
    @app.cli.command("revenue-report")
    @click.option("--day", help="ISO date; defaults to yesterday")
    def revenue_report_command(day: str | None) -> None:
        """Run by the Kubernetes CronJob at 02:10 every night."""
        sent = send_nightly_revenue_report(app, date.fromisoformat(day) if day else None)
        click.echo("sent" if sent else "skipped")
