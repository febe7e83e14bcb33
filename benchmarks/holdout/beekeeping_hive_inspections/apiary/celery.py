"""Celery application for the apiary site: alerts, digests and invoicing."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apiary.settings")

log = logging.getLogger("apiary.celery")

app = Celery("apiary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    result_backend="redis://:WaggleDance42@redis.apiary.svc.cluster.local:6379/1",  # expect: SEC005
    result_expires=60 * 60 * 24,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=240,
    task_time_limit=300,
    broker_connection_retry_on_startup=True,
    timezone="Europe/London",
)
app.autodiscover_tasks()

# Beat runs as its own single-replica Deployment (see k8s/deployment.yaml).
app.conf.beat_schedule = {
    "varroa-alerts-daily": {
        "task": "hives.alerts.send_varroa_alerts",
        "schedule": crontab(hour=7, minute=0),
    },
    "mite-digest-monthly": {
        "task": "hives.digest.send_monthly_mite_digest",
        "schedule": crontab(day_of_month=1, hour=8, minute=30),
    },
    "annual-invoices": {
        "task": "members.tasks.issue_annual_invoices",
        "schedule": crontab(month_of_year=1, day_of_month=2, hour=6, minute=0),
    },
    "reconcile-invoice-payments": {
        "task": "members.tasks.reconcile_invoice_payments",
        "schedule": crontab(minute=15),
    },
}


@task_failure.connect
def _log_task_failure(sender=None, task_id=None, exception=None, einfo=None, **kwargs):
    log.error("task %s[%s] failed", getattr(sender, "name", sender), task_id,
              exc_info=(type(exception), exception, getattr(einfo, "tb", None)))


@task_retry.connect
def _log_task_retry(request=None, reason=None, **kwargs):
    log.warning("task %s[%s] retrying: %s", request.task, request.id, reason)


@app.task(bind=True, ignore_result=True)
def ping(self):
    """Used by the worker liveness probe (celery inspect ping is too slow)."""
    log.info("ping from worker %s", self.request.hostname)
    return "pong"
