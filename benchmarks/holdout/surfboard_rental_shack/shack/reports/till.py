"""Daily till report: takings by method and by what was hired, mailed at close."""
from __future__ import annotations

import csv
import io
import logging
import smtplib
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage

from flask import Blueprint, current_app, jsonify

from shack.auth import staff_required
from shack.config import load_config
from shack.db import db_for

logger = logging.getLogger(__name__)

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


def build_till_report(db, day: date) -> dict:
    start, end = _day_bounds(day)
    by_method: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    rows = []
    payments = db.payments.find({"taken_at": {"$gte": start, "$lt": end}}).sort("taken_at", 1)
    for payment in payments:
        rental = db.rentals.find_one({"_id": payment["rental_id"]}, {"board_id": 1, "wetsuit_size": 1})  # expect: DB001
        kind = "board+wetsuit" if rental and rental.get("wetsuit_size") else "board"
        by_method[payment["method"]] += payment["amount_pence"]
        by_kind[kind] += payment["amount_pence"]
        rows.append((payment["taken_at"].strftime("%H:%M"), str(payment["rental_id"]), kind, payment["method"], payment["amount_pence"]))
    total = sum(by_method.values())
    print(f"till report {day}: {len(rows)} payments, total {total}p")  # expect: OBS001
    return {"day": day.isoformat(), "total_pence": total, "by_method": dict(by_method), "by_kind": dict(by_kind), "rows": rows}


def _csv(rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["time", "rental", "hired", "method", "amount_pence"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def email_till_report(day_iso: str | None = None) -> None:
    """RQ job run at closing time."""
    cfg = load_config()
    day = date.fromisoformat(day_iso) if day_iso else date.today()
    report = build_till_report(db_for(cfg), day)

    message = EmailMessage()
    message["From"] = cfg.mail_from
    message["To"] = cfg.till_report_to
    message["Subject"] = f"Till report {report['day']}: £{report['total_pence'] / 100:,.2f}"
    lines = [f"{method}: £{amount / 100:,.2f}" for method, amount in sorted(report["by_method"].items())]
    message.set_content("\n".join(lines) or "No takings today.")
    message.add_attachment(_csv(report["rows"]), maintype="text", subtype="csv", filename=f"till-{report['day']}.csv")

    server = smtplib.SMTP(cfg.smtp_host, cfg.smtp_port)  # expect: REL001, RES001
    server.starttls()
    if cfg.smtp_user:
        server.login(cfg.smtp_user, cfg.smtp_password)
    server.send_message(message)
    server.quit()
    logger.info("till report for %s sent to %s", report["day"], cfg.till_report_to)


@bp.get("/till/<day>")
@staff_required("manager")
def till(day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    report = build_till_report(db_for(current_app.config["SHACK"]), parsed)
    report.pop("rows")
    return jsonify(report)
