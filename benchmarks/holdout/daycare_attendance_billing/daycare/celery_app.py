"""Celery application and beat schedule.

Workers:  celery -A daycare.celery_app worker -Q billing,sms,celery
Beat:     celery -A daycare.celery_app beat   (exactly one replica)
"""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daycare.settings")

app = Celery("daycare")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_transport_options={"visibility_timeout": 3600},
    broker_connection_retry_on_startup=True,
    timezone="America/Chicago",
)

app.conf.task_routes = {
    "alerts.tasks.*": {"queue": "sms"},
    "billing.tasks.*": {"queue": "billing"},
}

app.conf.beat_schedule = {
    # Invoices for the previous month, early on the 1st.
    "monthly-invoices": {
        "task": "billing.tasks.generate_monthly_invoices",
        "schedule": crontab(minute=0, hour=5, day_of_month=1),
    },
    # Autopay for invoices that are due; runs daily so late due dates are caught.
    "queue-autopay": {
        "task": "billing.tasks.queue_autopay",
        "schedule": crontab(minute=30, hour=9),
    },
    "settlement-sync": {
        "task": "billing.tasks.sync_settlements",
        "schedule": crontab(minute=15),
    },
    # Text the primary guardian when an enrolled child has not arrived by 10:00.
    "absence-alerts": {
        "task": "alerts.tasks.absence_alerts",
        "schedule": crontab(minute=0, hour=10, day_of_week="mon-fri"),
    },
}

app.autodiscover_tasks()
