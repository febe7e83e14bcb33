"""Celery tasks and beat schedule that keep report snapshots fresh."""
import logging

from celery import shared_task
from celery.schedules import crontab
from django.db import transaction
from django.utils import timezone

from .models import Report, ReportRun
from .runner import ReportSourceUnavailable, run_report

logger = logging.getLogger(__name__)

BEAT_SCHEDULE = {  # ok: SCL003
    "refresh-stale-reports": {"task": "reports.refresh_stale", "schedule": crontab(minute="*/15")},
    "warm-pinned-reports": {"task": "reports.warm_pinned", "schedule": crontab(minute="*/5")},
}


@shared_task(name="reports.refresh_one", autoretry_for=(ReportSourceUnavailable,), retry_backoff=True, max_retries=3)
def refresh_one(report_id: int):
    with transaction.atomic():
        report = Report.objects.select_for_update(skip_locked=True).filter(pk=report_id, stale=True).first()
        if report is None:
            return "skipped"
        run = ReportRun.objects.create(report=report, status="running", started_at=timezone.now())
    try:
        run.row_count = run_report(report)
    except ReportSourceUnavailable:
        run.status, run.finished_at = "retrying", timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    except Exception:
        logger.exception("refresh of report %s failed", report_id)  # ok: OBS002
        run.status, run.finished_at = "failed", timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    run.status, run.finished_at = "done", timezone.now()
    run.save(update_fields=["row_count", "status", "finished_at"])
    Report.objects.filter(pk=report_id).update(stale=False, updated_at=timezone.now())
    return "done"


@shared_task(name="reports.refresh_stale")
def refresh_stale():
    ids = list(Report.objects.filter(stale=True, auto_refresh=True).order_by("updated_at").values_list("pk", flat=True)[:200])
    for report_id in ids:
        refresh_one.delay(report_id)
    logger.info("queued refresh for %s stale reports", len(ids))
    return len(ids)


@shared_task(name="reports.warm_pinned")
def warm_pinned():
    for report in Report.objects.filter(pinned=True).only("pk")[:50]:
        report.warm_cache()
