"""Celery application: fee billing, member e-mail and other background work.

Workers run with ``celery -A kilnworks worker``; the schedule below is only
acted on by the single ``celery -A kilnworks beat`` container.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kilnworks.settings")

app = Celery("kilnworks")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.imports = (
    "studio.fee_tasks",
    "studio.firing_fee_tasks",
    "studio.digest",
    "studio.reminders",
)
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_transport_options={"visibility_timeout": 3600},
    task_routes={
        "studio.fee_tasks.*": {"queue": "billing"},
        "studio.firing_fee_tasks.*": {"queue": "billing"},
        "studio.digest.*": {"queue": "mail"},
        "studio.reminders.*": {"queue": "mail"},
    },
)

app.conf.beat_schedule = {
    "monthly-studio-fees": {
        "task": "studio.fee_tasks.bill_monthly_fees",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    "weekly-member-digest": {
        "task": "studio.digest.send_weekly_digest",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    "firing-day-reminders": {
        "task": "studio.reminders.queue_firing_reminders",
        "schedule": crontab(minute=30, hour=7),
    },
}

task_logger = logging.getLogger("kilnworks.tasks")


@task_prerun.connect
def log_task_start(task_id=None, task=None, args=None, **_):
    task_logger.info("task %s[%s] started args=%s", task.name, task_id, args)


@task_postrun.connect
def log_task_end(task_id=None, task=None, state=None, **_):
    task_logger.info("task %s[%s] finished state=%s", task.name, task_id, state)
