import logging
import smtplib
from contextlib import closing
from datetime import date, timedelta
from email.message import EmailMessage

import psycopg2
from celery import shared_task
from django.conf import settings
from django.utils import timezone
from psycopg2.extras import execute_values

from wards.models import Admission

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
INSERT_SQL = (
    "INSERT INTO inpatient_snapshot (snapshot_day, mrn, ward_code, acuity, los_days) VALUES %s "
    "ON CONFLICT (snapshot_day, mrn) DO UPDATE SET ward_code = EXCLUDED.ward_code, "
    "acuity = EXCLUDED.acuity, los_days = EXCLUDED.los_days"
)


def _snapshot_rows(snapshot_day):
    now = timezone.now()
    rows = (
        Admission.objects.filter(discharged_at__isnull=True)
        .values_list("patient__mrn", "ward__code", "acuity", "admitted_at")
        .order_by("pk")
        .iterator(chunk_size=BATCH_SIZE)  # ok: DB001, RES003
    )
    for mrn, ward_code, acuity, admitted_at in rows:
        yield (snapshot_day, mrn, ward_code, acuity, (now - admitted_at).days)


def _email_summary(day, count):
    msg = EmailMessage()
    msg["From"] = settings.BED_MANAGER_FROM
    msg["To"] = "bed-managers@stmarys.example"
    msg["Subject"] = f"Inpatient snapshot {day:%d %b %Y}"
    msg.set_content(f"{count} open admissions were exported to the reporting database.")
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT) as smtp:  # ok: REL001
        smtp.starttls()
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        smtp.send_message(msg)


@shared_task(bind=True, max_retries=3, default_retry_delay=600)
def export_inpatient_snapshot(self, snapshot_iso=None):
    snapshot_day = date.fromisoformat(snapshot_iso) if snapshot_iso else date.today() - timedelta(days=1)
    written = 0
    try:
        with closing(psycopg2.connect(settings.REPORTING_DSN, connect_timeout=10)) as conn:  # ok: RES001
            with conn.cursor() as cur:
                batch = []
                for row in _snapshot_rows(snapshot_day):
                    batch.append(row)
                    if len(batch) >= BATCH_SIZE:
                        execute_values(cur, INSERT_SQL, batch)
                        conn.commit()  # ok: DB003
                        written += len(batch)
                        batch.clear()
                if batch:
                    execute_values(cur, INSERT_SQL, batch)
                    conn.commit()
                    written += len(batch)
    except psycopg2.OperationalError as exc:
        logger.warning("reporting DB unavailable for %s snapshot, retrying", snapshot_day, exc_info=True)
        raise self.retry(exc=exc)

    try:
        _email_summary(snapshot_day, written)
    except (smtplib.SMTPException, OSError):
        logger.exception("snapshot summary e-mail for %s failed", snapshot_day)
    logger.info("exported %d inpatients for %s", written, snapshot_day)
    return written
