"""Celery application and beat schedule.

Beat runs as its own single-replica service (see docker-compose.yml), so each
scheduled job fires once per schedule no matter how many workers there are.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pawnshop.settings")

logger = logging.getLogger("pawnshop.celery")

app = Celery("pawnshop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=900,
    task_soft_time_limit=840,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 3600},
)

app.conf.beat_schedule = {
    "accrue-interest": {
        "task": "loans.interest.accrue_daily_interest",
        "schedule": crontab(hour=0, minute=30),
    },
    "apply-late-fees": {
        "task": "loans.tasks.apply_late_fees",
        "schedule": crontab(hour=1, minute=0),
    },
    "due-reminders": {
        "task": "loans.tasks.send_due_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    "forfeit-expired-loans": {
        "task": "forfeiture.tasks.forfeit_expired_loans",
        "schedule": crontab(hour=2, minute=15),
    },
    "police-daily-report": {
        "task": "police.holds.upload_daily_report",
        "schedule": crontab(hour=6, minute=30),
    },
}

app.autodiscover_tasks()


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, einfo=None, **_kwargs):
    logger.error(
        "task %s (%s) failed: %r",
        getattr(sender, "name", "?"),
        task_id,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
    )
