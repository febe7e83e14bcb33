import logging
from contextlib import closing
from datetime import date, timedelta

import psycopg2
from celery import shared_task
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from wards.models import Admission, Bed, Ward

logger = logging.getLogger(__name__)


def _ward_rows(snapshot_day):
    return (
        Ward.objects.annotate(
            free=Count("beds", filter=Q(beds__status=Bed.FREE), distinct=True),
            cleaning=Count("beds", filter=Q(beds__status=Bed.CLEANING), distinct=True),
            admitted_today=Count(
                "admissions", filter=Q(admissions__admitted_at__date=snapshot_day), distinct=True
            ),
        )
        .order_by("code")
    )


@shared_task
def push_nightly_census(snapshot_iso=None):
    snapshot_day = date.fromisoformat(snapshot_iso) if snapshot_iso else date.today() - timedelta(days=1)
    table = f"census_{snapshot_day:%Y}"

    conn = psycopg2.connect(settings.REPORTING_DSN)  # expect: RES001, REL001
    cur = conn.cursor()
    cur.execute(f"DELETE FROM {table} WHERE snapshot_day = %s", (snapshot_day,))  # ok: SEC001
    for ward in _ward_rows(snapshot_day):
        values = (
            f"('{snapshot_day}', '{ward.code}', '{ward.specialty}', {ward.total_beds}, "
            f"{ward.occupied_beds}, {ward.free}, {ward.cleaning}, {ward.admitted_today})"
        )
        cur.execute(f"INSERT INTO {table} (snapshot_day, ward_code, specialty, total, occupied, free, cleaning, admitted) VALUES {values}")  # expect: SEC001
    conn.commit()

    open_admissions = Admission.objects.filter(discharged_at__isnull=True).order_by("pk")
    written = 0
    for admission in open_admissions:
        los_days = (timezone.now() - admission.admitted_at).days
        mrn = admission.patient.mrn  # expect: DB001
        cur.execute(
            "INSERT INTO inpatient_snapshot (snapshot_day, mrn, ward_code, acuity, los_days) "
            "VALUES (%s, %s, %s, %s, %s)",
            (snapshot_day, mrn, admission.ward.code, admission.acuity, los_days),
        )
        conn.commit()  # expect: DB003
        written += 1

    cur.close()
    conn.close()
    logger.info("census for %s pushed: %d inpatients", snapshot_day, written)
    return written


@shared_task
def purge_old_census(keep_years=7):
    cutoff = date.today().replace(year=date.today().year - keep_years)
    with closing(psycopg2.connect(settings.REPORTING_DSN, connect_timeout=10)) as conn:  # ok: RES001, REL001
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM inpatient_snapshot WHERE snapshot_day < %s", (cutoff,))
            deleted = cur.rowcount
    logger.info("purged %d inpatient snapshot rows older than %s", deleted, cutoff)
    return deleted
