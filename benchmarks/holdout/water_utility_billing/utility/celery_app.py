"""Celery application. Workers and beat run as separate deployments:

    celery -A utility.celery_app worker -Q default,notices,reports
    celery -A utility.celery_app beat      (exactly one replica)
"""
from __future__ import annotations

import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utility.settings")

app = Celery("utility")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=30 * 60,
    task_soft_time_limit=25 * 60,
    broker_transport_options={"visibility_timeout": 60 * 60},
    broker_connection_timeout=10,
    task_routes={
        "notices.*": {"queue": "notices"},
        "reports.*": {"queue": "reports"},
    },
    beat_schedule={
        "ingest-daily-reads": {
            "task": "meters.ingest_tasks.ingest_daily_reads",
            "schedule": crontab(hour=3, minute=15),
        },
        "queue-autopay": {
            "task": "billing.autopay.queue_due_autopay",
            "schedule": crontab(hour=7, minute=0),
        },
        "deliver-notice-outbox": {
            "task": "notices.mailer.deliver_outbox_batch",
            "schedule": 60.0,
        },
        "shutoff-notices": {
            "task": "notices.shutoff.send_shutoff_notices_all",
            "schedule": crontab(hour=9, minute=30, day_of_week="mon-fri"),
        },
    },
)

app.conf.imports = (
    "meters.ingest_tasks",
    "billing.autopay",
    "billing.cycle",
    "notices.mailer",
    "notices.shutoff",
    "reports.exports",
)

log = logging.getLogger("utility.celery")


@task_failure.connect
def _log_task_failure(sender=None, task_id=None, exception=None, einfo=None, **extra) -> None:
    log.error(
        "task %s failed",
        getattr(sender, "name", sender),
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
        extra={"task_id": task_id},
    )
