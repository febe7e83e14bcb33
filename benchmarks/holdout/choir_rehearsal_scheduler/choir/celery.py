"""Celery application; beat runs as its own single container."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import after_setup_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "choir.settings")

app = Celery("choir")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_connection_timeout=5,
    broker_transport_options={"visibility_timeout": 3600},
    task_default_queue="choir",
    task_routes={
        "notifications.*": {"queue": "mail"},
        "exports.*": {"queue": "bulk"},
    },
)

app.conf.beat_schedule = {  # ok: SCL003
    "rehearsal-reminders": {
        "task": "notifications.tasks.queue_upcoming_reminders",
        "schedule": crontab(minute=0, hour="*/2"),
    },
    "weekly-digest": {
        "task": "notifications.digest.send_all_digests",
        "schedule": crontab(minute=30, hour=8, day_of_week="mon"),
    },
}


@after_setup_logger.connect
def _quiet_noisy_loggers(logger, *args, **kwargs):
    logging.getLogger("botocore").setLevel(logging.WARNING)
    logging.getLogger("urllib3").setLevel(logging.WARNING)


def task_context(task) -> dict:
    """Fields to put on log lines from inside a task."""
    request = getattr(task, "request", None)
    if request is None:
        return {}
    return {
        "task_id": request.id,
        "task_name": task.name,
        "retries": request.retries,
    }
