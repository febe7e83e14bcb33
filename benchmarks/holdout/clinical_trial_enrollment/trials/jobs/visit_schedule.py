"""Nightly job: make sure every active participant has their protocol visits
booked into the visit calendar. Runs as the `visit-scheduler` CronJob."""
import logging
import os
import sys
from datetime import date, datetime, time, timedelta

import psycopg
import pytz  # expect: DEP002

log = logging.getLogger("trials.jobs.visit_schedule")

# protocol_code -> [(visit_code, days after enrollment, window in days)]
SCHEDULES = {
    "MSC-ONC-204": [("SCR", 0, 0), ("C1D1", 7, 2), ("C1D15", 21, 2), ("C2D1", 35, 3), ("EOT", 180, 14)],
    "MSC-CARD-117": [("BL", 0, 0), ("W4", 28, 3), ("W12", 84, 7), ("W26", 182, 7), ("W52", 364, 14)],
    "MSC-NEU-031": [("BL", 0, 0), ("M1", 30, 5), ("M3", 90, 7), ("M6", 180, 10)],
}
DEFAULT_VISIT_HOUR = 9


def _booked_visits(cur: psycopg.Cursor, enrollment_id: int) -> set[str]:
    cur.execute("SELECT visit_code FROM visits WHERE enrollment_id = %s", (enrollment_id,))
    return {row[0] for row in cur.fetchall()}


def _visit_start(enrolled_on: date, offset_days: int, site_tz: str) -> datetime:
    tz = pytz.timezone(site_tz)
    local = datetime.combine(enrolled_on + timedelta(days=offset_days), time(DEFAULT_VISIT_HOUR))
    return tz.localize(local).astimezone(pytz.utc)


def main() -> int:
    dsn = os.environ.get("TRIALS_SYNC_DATABASE_URL", "postgresql://trials@localhost:5432/trials")
    created = 0
    with psycopg.connect(dsn, connect_timeout=5) as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT e.id, e.enrolled_on, t.protocol_code, s.timezone
            FROM enrollments e
            JOIN trials t ON t.id = e.trial_id
            JOIN sites s ON s.id = e.site_id
            WHERE e.status = 'active'
            """
        )
        active = cur.fetchall()
        log.info("checking visit calendars for %d active enrollments", len(active))

        for enrollment_id, enrolled_on, protocol, site_tz in active:
            try:
                plan = SCHEDULES[protocol]
            except KeyError:  # ok: ERR001
                log.warning("no visit schedule defined for protocol %s (enrollment %s)", protocol, enrollment_id)
                continue
            booked = _booked_visits(cur, enrollment_id)  # expect: DB001
            for visit_code, offset, window in plan:
                if visit_code in booked:
                    continue
                start = _visit_start(enrolled_on, offset, site_tz)
                cur.execute(
                    "INSERT INTO visits (enrollment_id, visit_code, scheduled_at, window_days, status) "
                    "VALUES (%s, %s, %s, %s, 'planned') ON CONFLICT (enrollment_id, visit_code) DO NOTHING",
                    (enrollment_id, visit_code, start, window),
                )
                conn.commit()  # expect: DB003
                created += cur.rowcount
    log.info("visit scheduling finished, %d visits created", created)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sys.exit(main())
