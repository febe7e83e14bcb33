"""Celery application. Workers and beat run as their own containers (see docker-compose.yml)."""

from __future__ import annotations

import logging

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

from divecentre.settings import get_settings

logger = logging.getLogger(__name__)

settings = get_settings()

celery_app = Celery(
    "divecentre",
    broker=settings.redis_url,
    include=[
        "divecentre.tasks.cancellations",
        "divecentre.tasks.notifications",
        "divecentre.tasks.payroll",
    ],
)

celery_app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],  # ok: SEC004
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=15 * 60,
    task_soft_time_limit=12 * 60,
    broker_connection_timeout=5,
    broker_transport_options={"visibility_timeout": 3600},
    timezone="Europe/Malta",
    enable_utc=True,
)

celery_app.conf.beat_schedule = {  # ok: SCL003
    "check-sea-conditions": {
        "task": "divecentre.tasks.cancellations.check_tomorrows_trips",
        "schedule": crontab(hour=17, minute=0),
    },
    "balance-reminders": {
        "task": "divecentre.tasks.notifications.send_balance_reminders",
        "schedule": crontab(hour=9, minute=30),
    },
    "reconcile-payments": {
        "task": "divecentre.tasks.notifications.reconcile_payments",
        "schedule": crontab(minute="*/30"),
    },
    "monthly-payroll": {
        "task": "divecentre.tasks.payroll.export_instructor_payroll",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
}


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_):
    logger.error(
        "task %s [%s] failed: %s",
        getattr(sender, "name", sender),
        task_id,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
    )
