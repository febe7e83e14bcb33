"""Monthly instructor payroll export: a CSV of shifts uploaded to the payroll bureau."""

from __future__ import annotations

import csv
import logging
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from divecentre.celery_app import celery_app
from divecentre.db import session_scope
from divecentre.models import InstructorShift
from divecentre.settings import get_settings

logger = logging.getLogger(__name__)

HEADER = ["payroll_ref", "instructor", "work_date", "site", "hours", "rate", "gross"]


def _previous_month(today: date) -> tuple[date, date]:
    first_this_month = today.replace(day=1)
    last_prev = first_this_month - timedelta(days=1)
    return last_prev.replace(day=1), last_prev


def _upload(path: Path, period: str) -> str:
    settings = get_settings()
    with httpx.Client(timeout=30.0) as client, path.open("rb") as fh:
        response = client.post(
            settings.payroll_upload_url,
            headers={"Authorization": f"Bearer {settings.payroll_api_token.get_secret_value()}"},
            data={"period": period},
            files={"file": (path.name, fh, "text/csv")},
        )
    response.raise_for_status()
    return response.json()["import_id"]


@celery_app.task
def export_instructor_payroll(period_start: str | None = None, period_end: str | None = None) -> str | None:
    if period_start and period_end:
        start, end = date.fromisoformat(period_start), date.fromisoformat(period_end)
    else:
        start, end = _previous_month(date.today())

    out_path = Path(tempfile.gettempdir()) / f"payroll-{start:%Y-%m}.csv"
    handle = open(out_path, "w", newline="")  # expect: RES001
    writer = csv.writer(handle)
    writer.writerow(HEADER)

    exported_ids: list[int] = []
    with session_scope() as db:
        shifts = db.scalars(
            select(InstructorShift)
            .where(InstructorShift.work_date.between(start, end), InstructorShift.exported.is_(False))
            .options(joinedload(InstructorShift.instructor), joinedload(InstructorShift.trip))
            .order_by(InstructorShift.instructor_id, InstructorShift.work_date)
        ).all()
        for shift in shifts:
            rate = Decimal(shift.instructor.hourly_rate)
            hours = Decimal(shift.hours)
            writer.writerow([
                shift.instructor.payroll_ref, shift.instructor.full_name, shift.work_date.isoformat(),
                shift.trip.site_name, f"{hours:.2f}", f"{rate:.2f}", f"{hours * rate:.2f}",
            ])
            shift.exported = True
            db.commit()  # expect: DB003
            exported_ids.append(shift.id)
    handle.close()

    try:
        import_id = _upload(out_path, f"{start:%Y-%m}")
    except httpx.HTTPError as exc:
        logger.error("payroll upload for %s failed: %s", f"{start:%Y-%m}", exc)  # expect: OBS002
        with session_scope() as db:
            db.execute(
                update(InstructorShift).where(InstructorShift.id.in_(exported_ids)).values(exported=False)
            )
        return None
    finally:
        out_path.unlink(missing_ok=True)

    logger.info("payroll %s exported: %d shifts, import %s", f"{start:%Y-%m}", len(exported_ids), import_id)
    return import_id
