"""Celery application for the moorings service, including the beat schedule.

Beat runs as a single replica of its own (see k8s/deployment.yaml); the web
pods never start a scheduler.
"""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moorings.settings")

app = Celery("moorings")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_time_limit=15 * 60,
    task_soft_time_limit=14 * 60,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 60 * 60},
    task_routes={
        "marina.tasks.charge_winter_contracts": {"queue": "billing"},
        "marina.tasks.renew_winter_contracts": {"queue": "billing"},
        "marina.tasks.send_renewal_email": {"queue": "mail"},
    },
)

app.conf.beat_schedule = {
    # Winter contracts are billed monthly on their anniversary day.
    "charge-winter-contracts": {
        "task": "marina.tasks.charge_winter_contracts",
        "schedule": crontab(hour=6, minute=15),
    },
    # Renewal offers go out on 1 August for the season starting in November.
    "renew-winter-contracts": {
        "task": "marina.tasks.renew_winter_contracts",
        "schedule": crontab(day_of_month=1, month_of_year=8, hour=7, minute=0),
    },
    # Unpaid berth holds are released after 30 minutes.
    "expire-held-bookings": {
        "task": "marina.tasks.expire_held_bookings",
        "schedule": crontab(minute="*/5"),
    },
}


@app.task(bind=True, ignore_result=True)
def ping(self):
    """Used by the readiness check of the worker deployment."""
    return "pong"
