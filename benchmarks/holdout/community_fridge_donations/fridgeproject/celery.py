"""Celery application and beat schedule for the fridge network.

Beat runs as its own single-replica deployment (see k8s/deployment.yaml);
web pods never schedule anything.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fridgeproject.settings")

app = Celery("fridgeproject")
app.config_from_object("django.conf:settings", namespace="CELERY")

logger = logging.getLogger("fridgenet.tasks")

app.conf.beat_schedule = {  # ok: SCL003
    "expiry-sweep-hourly": {
        "task": "fridgenet.jobs.expiry_sweep.sweep_expired_stock",
        "schedule": crontab(minute=5),
    },
    "fridge-temperature-check": {
        "task": "fridgenet.jobs.food_safety_alerts.check_latest_readings",
        "schedule": crontab(minute="*/15"),
    },
    "monthly-donor-receipts": {
        "task": "fridgenet.jobs.donor_receipts.send_monthly_receipts",
        "schedule": crontab(day_of_month=1, hour=9, minute=0),
    },
    "release-stale-receipt-claims": {
        "task": "fridgenet.jobs.donor_receipts.release_stale_claims",
        "schedule": crontab(hour=3, minute=30),
    },
}

app.conf.task_routes = {
    "fridgenet.jobs.food_safety_alerts.*": {"queue": "alerts"},
    "fridgenet.jobs.donor_receipts.*": {"queue": "mail"},
}


@task_prerun.connect
def _task_started(task_id=None, task=None, **_):
    logger.info("task %s[%s] started", task.name, task_id)


@task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **_):
    logger.info("task %s[%s] finished with state %s", task.name, task_id, state)


@task_failure.connect
def _task_failed(task_id=None, exception=None, sender=None, einfo=None, **_):
    logger.error(
        "task %s[%s] failed: %r\n%s",
        getattr(sender, "name", "?"),
        task_id,
        exception,
        einfo.traceback if einfo else "",
    )
