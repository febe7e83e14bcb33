"""Weekly wastage report: stems binned per flower last week, e-mailed to the studio managers."""

from __future__ import annotations

import csv
import io
import smtplib
import ssl
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage

from flask import Flask
from psycopg import Connection

from florist.db import get_pool

WASTAGE_SQL = """
SELECT f.name AS flower, f.colour, -sum(m.stems) AS wasted_stems,
       -sum(m.stems * s.price_pence) AS wasted_value_pence,
       string_agg(DISTINCT m.reason, ', ') AS reasons
FROM stem_movement m
JOIN flower f ON f.id = m.flower_id
JOIN stem_stock s ON s.flower_id = m.flower_id
WHERE m.kind = 'wastage' AND m.created_at >= %s AND m.created_at < %s
GROUP BY f.name, f.colour
ORDER BY wasted_value_pence DESC
"""


def last_week(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday


def build_wastage_rows(conn: Connection, week_start: date, week_end: date) -> list[dict]:
    start = datetime.combine(week_start, time.min, tzinfo=timezone.utc)
    end = datetime.combine(week_end, time.min, tzinfo=timezone.utc)
    return conn.execute(WASTAGE_SQL, (start, end)).fetchall()


def render_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["flower", "colour", "wasted_stems", "wasted_value_pence", "reasons"]
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _summary(rows: list[dict], week_start: date) -> str:
    stems = sum(int(r["wasted_stems"] or 0) for r in rows)
    value = sum(int(r["wasted_value_pence"] or 0) for r in rows) / 100
    top = ", ".join(r["flower"] for r in rows[:3]) or "nothing"
    return (
        f"Wastage for the week of {week_start:%d %B %Y}: {stems} stems, about £{value:,.2f}.\n"
        f"Most wasted by value: {top}.\nFull breakdown attached."
    )


def send_weekly_wastage_report(app: Flask) -> None:
    with app.app_context():
        cfg = app.config
        week_start, week_end = last_week()
        with get_pool().connection() as conn:
            rows = build_wastage_rows(conn, week_start, week_end)

        recipients = cfg["WASTAGE_REPORT_TO"]
        if not recipients:
            return
        msg = EmailMessage()
        msg["Subject"] = f"Cold-room wastage, week of {week_start:%d %b}"
        msg["From"] = cfg["MAIL_FROM"]
        msg["To"] = ", ".join(recipients)
        msg.set_content(_summary(rows, week_start))
        msg.add_attachment(
            render_csv(rows).encode(), maintype="text", subtype="csv",
            filename=f"wastage-{week_start.isoformat()}.csv",
        )

        smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"])  # expect: REL001, RES001
        smtp.starttls(context=ssl.create_default_context())
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(msg)
        smtp.quit()
        print(f"wastage report for {week_start} sent to {len(recipients)} recipients")  # expect: OBS001
