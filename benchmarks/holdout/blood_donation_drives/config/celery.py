"""Celery application shared by the worker and beat Deployments.

worker: celery -A config worker -Q default,sms -c 4
beat:   celery -A config beat   (exactly one replica)
"""
import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("donations")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 3600},
    task_routes={
        "notifications.reminders.send_sms_reminder": {"queue": "sms"},
        "notifications.tasks.*": {"queue": "default"},
    },
)
app.autodiscover_tasks()

log = logging.getLogger("donations.celery")


@signals.task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, einfo=None, **_):
    # args are ids only (appointment/donor pks), never contact details
    log.error(
        "task %s[%s] failed args=%s",
        getattr(sender, "name", sender),
        task_id,
        args,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
    )


@signals.task_retry.connect
def log_task_retry(request=None, reason=None, **_):
    log.warning("task %s[%s] retrying: %s", request.task, request.id, reason)


@signals.worker_ready.connect
def announce_ready(sender=None, **_):
    log.info("worker %s ready, queues=%s", sender.hostname, [q.name for q in sender.app.amqp.queues.values()])


@app.task(bind=True, ignore_result=True)
def ping(self):
    """Used by the worker liveness probe: `celery -A config inspect ping` is too slow."""
    log.debug("ping from %s", self.request.hostname)
    return "pong"
