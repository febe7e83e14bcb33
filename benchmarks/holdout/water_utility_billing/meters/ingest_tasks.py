"""Nightly import of meter reads exported by the head-end system (drive-by
and legacy AMR meters). AMI meters push reads through meters.api instead."""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import psycopg
import requests
from celery import shared_task
from django.conf import settings

from utility.db import connection

log = logging.getLogger(__name__)


def _meter_id(conn: psycopg.Connection, serial: str) -> int | None:
    row = conn.execute("SELECT id FROM meters WHERE serial_number = %s", (serial,)).fetchone()
    return row["id"] if row else None


def _parse(row: dict[str, str]) -> tuple[str, datetime, Decimal] | None:
    try:
        read_at = datetime.fromisoformat(row["read_at"])
        value = Decimal(row["register_m3"])
    except (KeyError, ValueError, InvalidOperation):
        return None
    if value < 0:
        return None
    return row["serial"].strip(), read_at, value


@shared_task(bind=True, max_retries=3, default_retry_delay=600)
def ingest_daily_reads(self, file_date: str | None = None) -> dict[str, int]:
    day = date.fromisoformat(file_date) if file_date else date.today() - timedelta(days=1)
    url = f"{settings.HEADEND_URL}/exports/reads-{day:%Y%m%d}.csv"
    try:
        resp = requests.get(url, auth=(settings.HEADEND_USER, settings.HEADEND_PASSWORD))  # expect: REL001
        resp.raise_for_status()
    except requests.RequestException as exc:
        log.warning("head-end export %s not available yet", day, exc_info=True)
        raise self.retry(exc=exc)

    reader = csv.DictReader(io.StringIO(resp.text))  # expect: RES003
    stats = {"inserted": 0, "skipped": 0, "unknown_meter": 0}
    with connection() as conn:
        for raw in reader:
            parsed = _parse(raw)
            if parsed is None:
                stats["skipped"] += 1
                continue
            serial, read_at, value = parsed
            meter_id = _meter_id(conn, serial)  # expect: DB001
            if meter_id is None:
                stats["unknown_meter"] += 1
                continue
            cur = conn.execute(
                "INSERT INTO meter_reads (meter_id, read_at, register_m3, source) VALUES (%s, %s, %s, 'headend') "
                "ON CONFLICT (meter_id, read_at) DO NOTHING",
                (meter_id, read_at, value),
            )
            conn.commit()  # expect: DB003
            stats["inserted"] += cur.rowcount
    log.info("head-end import for %s finished", day, extra=stats)
    return stats
