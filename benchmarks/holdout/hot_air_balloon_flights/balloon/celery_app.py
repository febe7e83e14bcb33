"""Celery application for the balloon booking service.

Workers run with ``celery -A balloon.celery_app worker`` and the periodic
schedule is driven by a single ``celery -A balloon.celery_app beat`` process.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balloon.settings")

logger = logging.getLogger(__name__)

app = Celery("balloon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["flights"])

app.conf.task_routes = {
    "flights.tasks.weather.*": {"queue": "ops"},
    "flights.tasks.exports.*": {"queue": "exports"},
    "flights.tasks.reminders.*": {"queue": "notifications"},
}

app.conf.task_default_retry_delay = 30
app.conf.worker_prefetch_multiplier = 1
app.conf.broker_transport_options = {"visibility_timeout": 3600}

app.conf.beat_schedule = {  # ok: SCL003
    "weather-go-no-go-evening": {
        "task": "flights.tasks.weather.run_go_no_go",
        "schedule": crontab(hour=19, minute=30),
        "kwargs": {"session": "morning"},
    },
    "weather-go-no-go-dawn": {
        "task": "flights.tasks.weather.run_go_no_go",
        "schedule": crontab(hour=4, minute=15),
        "kwargs": {"session": "morning", "final": True},
    },
    "weather-go-no-go-afternoon": {
        "task": "flights.tasks.weather.run_go_no_go",
        "schedule": crontab(hour=13, minute=0),
        "kwargs": {"session": "evening", "final": True},
    },
    "passenger-reminders": {
        "task": "flights.tasks.reminders.send_flight_reminders",
        "schedule": crontab(hour=16, minute=0),
    },
}


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, **kwargs):
    """Record the final failure of any task with its traceback."""
    logger.error(
        "task failed name=%s id=%s",
        getattr(sender, "name", "unknown"),
        task_id,
        exc_info=exception,
    )


@task_retry.connect
def log_task_retry(request=None, reason=None, **kwargs):
    """Record every retry so flapping tasks show up in the logs."""
    logger.warning(
        "task retry name=%s id=%s retries=%s reason=%s",
        getattr(request, "task", "unknown"),
        getattr(request, "id", None),
        getattr(request, "retries", None),
        reason,
    )
