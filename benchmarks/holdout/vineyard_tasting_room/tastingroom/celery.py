"""Celery application and beat schedule.

Beat runs as its own single-replica Deployment (``celery-beat`` in
k8s/deployment.yaml); the web pods and the workers never start a scheduler.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import after_setup_task_logger
from celery.app.log import TaskFormatter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tastingroom.settings")

app = Celery("tastingroom")
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
    result_expires=24 * 3600,
    timezone="America/Los_Angeles",
)

# Charging is kept off the default queue so a backlog of e-mails cannot delay it.
app.conf.task_routes = {
    "club.tasks.*": {"queue": "billing"},
    "club.addons.*": {"queue": "billing"},
}

app.conf.beat_schedule = {  # ok: SCL003
    "club-quarterly-charges": {
        "task": "club.tasks.charge_quarterly_club",
        # 06:00 Pacific on the first day of Feb, May, Aug and Nov
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="2,5,8,11"),
    },
    "club-addon-reconcile": {
        "task": "club.addons.reconcile_pending_addons",
        "schedule": crontab(minute="*/15"),
    },
}


@after_setup_task_logger.connect
def _task_log_format(logger: logging.Logger, *args, **kwargs) -> None:
    """Prefix task log lines with the task name and id."""
    for handler in logger.handlers:
        handler.setFormatter(TaskFormatter(
            "%(asctime)s %(levelname)s [%(task_name)s %(task_id)s] %(name)s %(message)s"
        ))


@app.task(bind=True, ignore_result=True)
def ping(self) -> str:
    """Used by the worker liveness probe: ``celery -A tastingroom call tastingroom.celery.ping``."""
    return "pong"
