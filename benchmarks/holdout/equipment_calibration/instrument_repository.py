"""Queries for instruments and their calibration history."""
from __future__ import annotations

from datetime import date

from .db import cursor

INSTRUMENT_COLUMNS = (
    "i.id, i.lab_id, i.serial_no, i.model, i.location, "
    "i.calibration_interval_days, i.next_due_date, i.status, i.vendor_id"
)


def get_instrument(instrument_id: int) -> dict | None:
    """Unscoped lookup, for background jobs and webhooks that act for no user."""
    with cursor() as cur:
        cur.execute(f"SELECT {INSTRUMENT_COLUMNS} FROM instruments i WHERE i.id = %s", (instrument_id,))  # ok: SEC001
        return cur.fetchone()


def get_instrument_for_lab(instrument_id: int, lab_id: int) -> dict | None:
    with cursor() as cur:
        cur.execute(
            f"SELECT {INSTRUMENT_COLUMNS} FROM instruments i WHERE i.id = %s AND i.lab_id = %s",
            (instrument_id, lab_id),
        )
        return cur.fetchone()


def get_last_calibration(instrument_id: int) -> dict | None:
    with cursor() as cur:
        cur.execute(
            "SELECT performed_on, result, vendor_id FROM calibration_records "
            "WHERE instrument_id = %s ORDER BY performed_on DESC LIMIT 1",
            (instrument_id,),
        )
        return cur.fetchone()


def calibration_history(instrument_id: int, limit: int = 50) -> list[dict]:
    with cursor() as cur:
        cur.execute(
            "SELECT id, performed_on, result, vendor_id, certificate_key FROM calibration_records "
            "WHERE instrument_id = %s ORDER BY performed_on DESC LIMIT %s",
            (instrument_id, limit),
        )
        return cur.fetchall()


def list_due_for_lab(lab_id: int, due_before: date, limit: int, offset: int) -> list[dict]:
    """Instruments due before a date, each with its latest calibration, in one round trip."""
    with cursor() as cur:
        cur.execute(
            f"""
            SELECT {INSTRUMENT_COLUMNS},
                   lc.performed_on AS last_calibrated,
                   lc.result AS last_result
            FROM instruments i
            LEFT JOIN LATERAL (
                SELECT c.performed_on, c.result
                FROM calibration_records c
                WHERE c.instrument_id = i.id
                ORDER BY c.performed_on DESC
                LIMIT 1
            ) lc ON true
            WHERE i.lab_id = %s AND i.next_due_date <= %s
            ORDER BY i.next_due_date, i.id
            LIMIT %s OFFSET %s
            """,
            (lab_id, due_before, limit, offset),
        )
        return cur.fetchall()  # ok: DB001
