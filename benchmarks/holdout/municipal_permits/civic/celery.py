"""Celery application for background work (`celery -A civic worker`, `celery -A civic beat`)."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings")

log = logging.getLogger("civic.celery")

app = Celery("civic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "permits.gis.webhooks",
        "permits.inspections.assignment",
        "permits.letters.decision_letters",
        "permits.letters.dispatch",
    ],
    related_name=None,
)

app.conf.beat_schedule = {
    "nightly-decision-letters": {
        "task": "permits.letters.decision_letters.send_decision_letters",
        "schedule": crontab(hour=1, minute=30),
    },
    "nightly-letter-dispatch": {
        "task": "permits.letters.dispatch.queue_pending_letters",
        "schedule": crontab(hour=2, minute=0),
    },
}
app.conf.task_routes = {
    "permits.letters.*": {"queue": "letters"},
    "permits.gis.*": {"queue": "integrations"},
}


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, **_kwargs) -> None:
    log.error(
        "task %s[%s] failed",
        getattr(sender, "name", sender),
        task_id,
        exc_info=exception,
    )


@task_retry.connect
def log_task_retry(request=None, reason=None, **_kwargs) -> None:
    log.warning(
        "task %s[%s] will retry: %s",
        getattr(request, "task", None),
        getattr(request, "id", None),
        reason,
    )
