"""Imports the weekly timesheet CSV exported by the time clocks into the payroll database."""

import csv
import logging
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import psycopg2
from psycopg2.extras import execute_values

logger = logging.getLogger(__name__)

UPSERT = (
    "INSERT INTO timesheet_entries (employee_number, work_date, hours, project_code) VALUES %s "
    "ON CONFLICT (employee_number, work_date, project_code) DO UPDATE SET hours = EXCLUDED.hours"
)


@dataclass(frozen=True)
class TimesheetRow:
    employee_number: str
    work_date: date
    hours: Decimal
    project_code: str


class TimesheetError(ValueError):
    """A CSV row that cannot be imported."""


def parse_row(line_no: int, raw: dict) -> TimesheetRow:
    try:
        hours = Decimal(raw["hours"])
        work_date = datetime.strptime(raw["date"], "%Y-%m-%d").date()
        employee_number = raw["employee"].strip()
    except (KeyError, InvalidOperation, ValueError) as exc:  # ok: ERR001
        raise TimesheetError(f"line {line_no}: {exc}") from exc
    if not Decimal("0") < hours <= Decimal("24"):
        raise TimesheetError(f"line {line_no}: {hours} hours is outside 0-24")
    return TimesheetRow(employee_number, work_date, hours, (raw.get("project") or "GENERAL").strip())


def read_timesheet(path: str) -> tuple[list[TimesheetRow], list[str]]:
    rows: list[TimesheetRow] = []
    errors: list[str] = []
    with open(path, newline="", encoding="utf-8") as fh:  # ok: RES001
        for line_no, raw in enumerate(csv.DictReader(fh), start=2):
            try:
                rows.append(parse_row(line_no, raw))
            except TimesheetError as exc:
                errors.append(str(exc))
    return rows, errors


def import_timesheet(dsn: str, path: str) -> int:
    rows, errors = read_timesheet(path)
    for message in errors:
        logger.warning("skipped timesheet row: %s", message)
    values = [(r.employee_number, r.work_date, r.hours, r.project_code) for r in rows]
    with closing(psycopg2.connect(dsn, connect_timeout=10)) as conn:  # ok: RES001
        with conn, conn.cursor() as cur:
            execute_values(cur, UPSERT, values, page_size=1000)  # ok: SEC001
    logger.info("imported %d timesheet rows from %s (%d skipped)", len(rows), path, len(errors))
    return len(rows)
