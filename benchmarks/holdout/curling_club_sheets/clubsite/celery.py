"""Celery application for the club site.

Workers run ``celery -A clubsite worker``; a single beat replica runs
``celery -A clubsite beat`` (see k8s/deployment.yaml).
"""

import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clubsite.settings")

logger = logging.getLogger(__name__)

app = Celery("clubsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_transport_options={"visibility_timeout": 3600},
    broker_connection_timeout=5,
)

app.conf.beat_schedule = {  # ok: SCL003
    "queue-membership-renewals": {
        "task": "memberships.billing.queue_due_renewals",
        "schedule": crontab(hour=6, minute=15),
    },
    "release-unpaid-sheet-holds": {
        "task": "sheets.tasks.release_unpaid_holds",
        "schedule": crontab(minute="*/10"),
    },
    "close-returned-stone-rentals": {
        "task": "rentals.tasks.close_returned_rentals",
        "schedule": crontab(hour=2, minute=0),
    },
    "send-lesson-reminders": {
        "task": "lessons.tasks.send_lesson_reminders",
        "schedule": crontab(hour=17, minute=0),
    },
}

app.autodiscover_tasks()


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, **extra):
    logger.error(
        "task %s [%s] failed with args=%s",
        getattr(sender, "name", sender),
        task_id,
        args,
        exc_info=exception,
    )


@task_retry.connect
def log_task_retry(request=None, reason=None, **extra):
    logger.warning(
        "task %s [%s] retrying: %s",
        getattr(request, "task", "?"),
        getattr(request, "id", "?"),
        reason,
    )
