"""Monthly temperature-log report (CSV) for a storage customer, written to S3."""
import csv
import io
import logging
from datetime import date

import boto3
from botocore.config import Config as BotoConfig

from coldchain import db

logger = logging.getLogger(__name__)

_s3 = None


def s3_client(region):
    global _s3  # ok: MNT002
    if _s3 is None:
        _s3 = boto3.client(
            "s3",
            region_name=region,
            config=BotoConfig(connect_timeout=5, read_timeout=60, retries={"max_attempts": 5, "mode": "standard"}),
        )
    return _s3


def _month_bounds(month):
    year, mon = (int(part) for part in month.split("-"))
    start = date(year, mon, 1)
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def _supervisor_notes(conn, excursion_id):
    notes = conn.execute(
        "SELECT body FROM excursion_notes WHERE excursion_id = %s ORDER BY created_at", (excursion_id,)
    ).fetchall()
    return " | ".join(note["body"] for note in notes)


def build_temperature_report(config, customer_id, month):
    start, end = _month_bounds(month)
    with db.read_only() as conn:
        readings = conn.execute(
            "SELECT z.code AS zone, s.serial AS sensor, r.recorded_at, r.celsius "
            "FROM temperature_readings r JOIN sensors s ON s.id = r.sensor_id JOIN zones z ON z.id = s.zone_id "
            "WHERE z.customer_id = %s AND r.recorded_at >= %s AND r.recorded_at < %s "
            "ORDER BY z.code, r.recorded_at",
            (customer_id, start, end),
        )
        rows = readings.fetchall()  # expect: RES003

        excursions = conn.execute(
            "SELECT e.id, z.code AS zone, e.started_at, e.closed_at, e.peak_celsius FROM excursions e "
            "JOIN zones z ON z.id = e.zone_id WHERE z.customer_id = %s AND e.started_at >= %s AND e.started_at < %s",
            (customer_id, start, end),
        ).fetchall()
        excursion_lines = []
        for exc in excursions:
            notes = _supervisor_notes(conn, exc["id"])  # expect: DB001
            excursion_lines.append([exc["id"], exc["zone"], exc["started_at"].isoformat(),
                                    exc["closed_at"].isoformat() if exc["closed_at"] else "open",
                                    f"{exc['peak_celsius']:.1f}", notes])

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["zone", "sensor", "recorded_at", "celsius"])
    for row in rows:
        writer.writerow([row["zone"], row["sensor"], row["recorded_at"].isoformat(), f"{row['celsius']:.2f}"])
    writer.writerow([])
    writer.writerow(["excursion", "zone", "started_at", "closed_at", "peak_celsius", "supervisor_notes"])
    writer.writerows(excursion_lines)

    key = f"reports/{customer_id}/temperature-{month}.csv"
    s3_client(config.aws_region).put_object(
        Bucket=config.s3_bucket, Key=key, Body=buffer.getvalue().encode("utf-8"), ContentType="text/csv"
    )
    logger.info("temperature report for customer %s %s written to %s (%s readings)", customer_id, month, key, len(rows))
    return key
