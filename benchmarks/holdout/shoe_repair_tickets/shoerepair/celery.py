"""Celery application for the shoe repair service (worker and beat run as separate pods)."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoerepair.settings")

logger = logging.getLogger(__name__)

app = Celery("shoerepair")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    worker_prefetch_multiplier=1,
    task_default_queue="default",
    task_routes={
        "notifications.*": {"queue": "sms"},
        "tickets.tasks.*": {"queue": "default"},
    },
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=10,
)

app.conf.beat_schedule = {
    "pickup-reminders": {
        "task": "notifications.reminders.send_pickup_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    "flag-abandoned-repairs": {
        "task": "tickets.tasks.flag_abandoned_repairs",
        "schedule": crontab(hour=2, minute=30),
    },
    "expire-store-credit": {
        "task": "credit.ledger.expire_old_credit",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
}


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, **extra):
    logger.error(
        "task %s (%s) failed",
        getattr(sender, "name", sender),
        task_id,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
    )
