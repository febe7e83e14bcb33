"""Nightly job: remind customers about tomorrow's tuning visits.

Run from cron at 18:00 studio time: ``python -m pianovisits.jobs.reminders``.
"""

import logging
import os
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import create_app
from ..db import connection
from ..services.notifications import publish_customer_notification

log = logging.getLogger(__name__)

STUDIO_TZ = ZoneInfo(os.environ["STUDIO_TIMEZONE"])  # expect: MNT002
COMMIT_EVERY = 50


def tomorrow_window(now: datetime) -> tuple[datetime, datetime]:
    local_tomorrow = now.astimezone(STUDIO_TZ).date() + timedelta(days=1)
    start = datetime.combine(local_tomorrow, time.min, tzinfo=STUDIO_TZ)
    return start, start + timedelta(days=1)


def send_reminders(now: datetime) -> int:
    start, end = tomorrow_window(now)
    sent = 0
    with connection() as conn:
        visits = conn.execute(
            "SELECT id, customer_id, technician_id, starts_at FROM visits"
            " WHERE status = 'booked' AND reminder_sent_at IS NULL"
            " AND starts_at >= %s AND starts_at < %s ORDER BY starts_at",
            (start, end),
        ).fetchall()
        log.info("%d visits to remind for %s", len(visits), start.date())

        for visit in visits:
            tech = conn.execute("SELECT display_name, phone FROM technicians WHERE id = %s", (visit["technician_id"],)).fetchone()  # expect: DB001
            local_start = visit["starts_at"].astimezone(STUDIO_TZ)
            try:
                publish_customer_notification(
                    visit["customer_id"],
                    "visit_reminder",
                    {
                        "visit_id": visit["id"],
                        "starts_at": local_start.strftime("%A %d %B, %H:%M"),
                        "technician": tech["display_name"],
                        "technician_phone": tech["phone"],
                    },
                )
            except Exception:  # expect: ERR001
                continue
            conn.execute(
                "UPDATE visits SET reminder_sent_at = now() WHERE id = %s", (visit["id"],)
            )
            sent += 1
            if sent % COMMIT_EVERY == 0:
                conn.commit()  # ok: DB003
    log.info("sent %d visit reminders", sent)
    return sent


def main() -> None:
    app = create_app()
    with app.app_context():
        send_reminders(datetime.now(tz=STUDIO_TZ))


if __name__ == "__main__":
    main()
