"""Celery application. Workers run as `celery -A shuttle worker`; the beat
scheduler runs as its own single-replica deployment."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuttle.settings")

app = Celery("shuttle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["bookings", "flights", "notifications", "payments", "promos"])

log = logging.getLogger("shuttle.celery")

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="default",
    task_routes={
        "notifications.*": {"queue": "notify"},
        "flights.*": {"queue": "polling"},
    },
    broker_transport_options={"visibility_timeout": 3600},
)

app.conf.beat_schedule = {  # ok: SCL003
    "release-expired-holds": {
        "task": "bookings.holds.release_expired_holds",
        "schedule": 60.0,
    },
    "refresh-arrivals": {
        "task": "flights.tracker.refresh_arrivals",
        "schedule": crontab(minute="*/5"),
    },
    "flush-outbox": {
        "task": "notifications.outbox.flush_pending",
        "schedule": 30.0,
    },
    "pickup-reminders": {
        "task": "notifications.sms.queue_pickup_reminders",
        "schedule": crontab(minute="*/10"),
    },
}


@worker_process_init.connect
def _reset_db_connections(**_kwargs) -> None:
    # Forked pool processes must not share the parent's DB socket.
    from django.db import connections

    for conn in connections.all():
        conn.close()


@task_failure.connect
def _log_task_failure(sender=None, task_id=None, exception=None, args=None, einfo=None, **_kwargs) -> None:
    log.error(
        "task %s[%s] failed: %r",
        getattr(sender, "name", "?"),
        task_id,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
    )
