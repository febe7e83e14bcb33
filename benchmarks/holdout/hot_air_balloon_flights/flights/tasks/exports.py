"""Season exports built in the worker and stored in S3.

The office asks for the whole season's logbook (all pilots) for the CAA
annual return; the file is built here and the link e-mailed when ready.
"""
import csv
import io
import logging
import tempfile

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.utils import timezone

from ..models import PilotLogEntry

logger = logging.getLogger(__name__)

CSV_HEADER = [
    "pilot", "date", "site", "envelope", "takeoff", "landing",
    "duration_min", "landing_site", "remarks",
]


def _rows(season: int):
    entries = (
        PilotLogEntry.objects.filter(takeoff_at__year=season)
        .select_related("pilot", "flight__site")  # ok: DB001
        .order_by("pilot_id", "takeoff_at")
        .iterator(chunk_size=1000)
    )
    for entry in entries:
        yield [
            entry.pilot.get_full_name() or entry.pilot.username,
            entry.takeoff_at.date().isoformat(),
            entry.flight.site.name,
            entry.envelope_registration,
            entry.takeoff_at.strftime("%H:%M"),
            entry.landing_at.strftime("%H:%M"),
            int((entry.landing_at - entry.takeoff_at).total_seconds() // 60),
            entry.landing_site,
            entry.remarks,
        ]


@shared_task(bind=True, max_retries=2, default_retry_delay=120)
def export_season_logbook(self, season: int, requested_by_email: str) -> str:
    """Write the season's logbook to S3 and mail a time-limited link."""
    key = f"exports/logbooks/season-{season}-{timezone.now():%Y%m%dT%H%M%S}-{self.request.id}.csv"
    rows = 0
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b") as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_HEADER)
        for row in _rows(season):
            writer.writerow(row)
            rows += 1
        text.flush()
        spool.seek(0)
        stored_key = default_storage.save(key, File(spool))  # ok: SCL002
        text.detach()

    url = default_storage.url(stored_key)
    send_mail(
        subject=f"Logbook export for {season} is ready",
        message=f"The {season} logbook export ({rows} flights) is ready for 15 minutes: {url}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[requested_by_email],
    )
    logger.info("season logbook exported season=%s rows=%s key=%s task=%s", season, rows, stored_key, self.request.id)
    return stored_key
