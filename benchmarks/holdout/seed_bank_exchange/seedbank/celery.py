"""Celery application for the seed bank's background jobs."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedbank.settings")

app = Celery("seedbank")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_transport_options={"visibility_timeout": 3600},
    task_routes={
        "shipping.tasks.*": {"queue": "shipping"},
        "exchange.tasks.*": {"queue": "default"},
    },
)

# beat runs as a single dedicated process (see docker-compose.yml)
app.conf.beat_schedule = {
    "refresh-tracking": {
        "task": "shipping.tasks.refresh_tracking",
        "schedule": crontab(minute="*/30"),
    },
    "weekly-wishlist-digest": {
        "task": "exchange.tasks.send_wishlist_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
}

app.autodiscover_tasks()


@task_prerun.connect
def _bind_task_id(task_id=None, task=None, **_):
    # exchange.middleware.RequestIdFilter reads this, so task logs carry the task id
    from exchange.middleware import request_id_var

    task.request.log_token = request_id_var.set(f"task:{task_id}")


@task_postrun.connect
def _unbind_task_id(task=None, **_):
    from exchange.middleware import request_id_var

    token = getattr(task.request, "log_token", None)
    if token is not None:
        request_id_var.reset(token)


logging.getLogger(__name__).debug("celery app configured with %d beat entries", len(app.conf.beat_schedule))
