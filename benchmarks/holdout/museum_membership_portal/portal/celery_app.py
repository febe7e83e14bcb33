"""Celery application for the membership portal.

Workers: `celery -A portal.celery_app worker`; periodic tasks come from a single
`celery -A portal.celery_app beat` pod, never from the web processes.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

log = logging.getLogger("portal.celery")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_transport_options={"visibility_timeout": 3600},
)
app.autodiscover_tasks(["membership"], related_name="tasks_donations")
app.autodiscover_tasks(["membership"], related_name="card_tasks")
app.autodiscover_tasks(["membership"], related_name="newsletter_mail")
app.autodiscover_tasks(["membership"], related_name="renewals")

app.conf.beat_schedule = {
    "expire-lapsed-memberships": {
        "task": "membership.renewals.expire_lapsed",
        "schedule": crontab(hour=2, minute=15),
    },
    "retry-pending-matches": {
        "task": "membership.tasks_donations.resubmit_stale_matches",
        "schedule": crontab(minute="*/30"),
    },
    "weekly-newsletter-export": {
        "task": "membership.newsletter_mail.export_subscribers",
        "schedule": crontab(day_of_week="mon", hour=5, minute=0),
        "kwargs": {"requested_by_id": None},
    },
}


@task_failure.connect
def _log_failure(sender=None, task_id=None, exception=None, einfo=None, **_kwargs):
    log.error("task %s[%s] failed: %r", getattr(sender, "name", "?"), task_id, exception,
              exc_info=(type(exception), exception, exception.__traceback__) if exception else None)


@task_retry.connect
def _log_retry(sender=None, request=None, reason=None, **_kwargs):
    log.warning("task %s[%s] retrying: %s", getattr(sender, "name", "?"),
                getattr(request, "id", "?"), reason)
