"""Celery application: rent invoices, reminders, plot offers, meter imports, newsletter."""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allotments.settings")

log = logging.getLogger(__name__)

app = Celery("allotments")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=30 * 60,
    task_soft_time_limit=25 * 60,
    broker_transport_options={"visibility_timeout": 2 * 60 * 60},
    broker_connection_timeout=5,
    result_expires=24 * 60 * 60,
    timezone="Europe/London",
    task_routes={
        "newsletter.*": {"queue": "bulk-mail"},
        "meters.*": {"queue": "imports"},
    },
)

# Beat runs as its own single-replica service (see docker-compose.yml).
app.conf.beat_schedule = {
    "issue-annual-rent": {
        "task": "billing.tasks.issue_annual_rent_invoices",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year=10),
    },
    "rent-reminders": {
        "task": "billing.reminders.send_overdue_reminders",
        "schedule": crontab(minute=30, hour=9),
    },
    "expire-plot-offers": {
        "task": "garden.allocation.expire_stale_offers",
        "schedule": crontab(minute=0, hour="*/2"),
    },
    "newsletter-late-joiners": {
        "task": "newsletter.delivery.deliver_to_late_joiners",
        "schedule": crontab(minute=15, hour=10),
    },
}


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, einfo=None, **_kwargs):
    log.error("task %s (%s) failed: %r", sender.name if sender else "?", task_id, exception,
              exc_info=(type(exception), exception, exception.__traceback__) if exception else None)
