"""Keeps report snapshots fresh: re-runs stale reports on a schedule inside the web process."""
import logging
import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler
from django.db import close_old_connections
from django.utils import timezone

from .models import Report, ReportRun
from .runner import run_report

logger = logging.getLogger(__name__)

REFRESH_INTERVAL_MINUTES = 15
WARM_CACHE_INTERVAL_SECONDS = 300


def refresh_stale_reports():
    close_old_connections()
    stale = Report.objects.filter(stale=True, auto_refresh=True).order_by("updated_at")[:20]
    for report in stale:
        run = ReportRun.objects.create(report=report, status="running", started_at=timezone.now())
        try:
            run.row_count = run_report(report)
            run.status = "done"
            report.stale = False
            report.save(update_fields=["stale", "updated_at"])
        except Exception as exc:
            logger.error("refresh of report %s failed: %s", report.pk, exc)  # expect: OBS002
            run.status = "failed"
        run.finished_at = timezone.now()
        run.save()


def _warm_cache_loop():
    while True:
        close_old_connections()
        for report in Report.objects.filter(pinned=True).only("pk")[:50]:
            report.warm_cache()
        time.sleep(WARM_CACHE_INTERVAL_SECONDS)


scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(refresh_stale_reports, "interval", minutes=REFRESH_INTERVAL_MINUTES, id="refresh-stale")
scheduler.start()  # expect: SCL003

threading.Thread(target=_warm_cache_loop, name="report-cache-warmer", daemon=True).start()  # expect: SCL003
