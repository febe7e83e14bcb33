"""Celery application for the garden site (worker and beat run as separate services)."""
import logging
import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gardenproject.settings.base")

app = Celery("garden")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=15 * 60,
    task_soft_time_limit=14 * 60,
    broker_transport_options={"visibility_timeout": 2 * 60 * 60},
    broker_connection_timeout=5,
    task_routes={
        "garden.tasks.newsletter.*": {"queue": "bulk_mail"},
        "garden.tasks.member_mail.*": {"queue": "default"},
    },
)

# Beat runs as exactly one container (see docker-compose.yml), so each
# entry fires once however many workers there are.
app.conf.beat_schedule = {
    "fee-reminders-weekly": {
        "task": "garden.tasks.member_mail.send_fee_reminders",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon"),
        "kwargs": {"season": None},
    },
    "expire-plot-offers-nightly": {
        "task": "garden.tasks.member_mail.expire_plot_offers",
        "schedule": crontab(hour=2, minute=30),
    },
    "overdue-tool-loans-daily": {
        "task": "garden.tasks.member_mail.count_overdue_tool_loans",
        "schedule": crontab(hour=8, minute=15),
    },
}

app.autodiscover_tasks()


class TaskContextFilter(logging.Filter):
    """Stamp every log record written inside a task with its name and id."""

    def filter(self, record: logging.LogRecord) -> bool:
        task = app.current_task
        record.task_id = getattr(task.request, "id", None) if task else None
        record.task_name = getattr(task, "name", None) if task else None
        return True


@signals.after_setup_task_logger.connect
def add_task_context(logger, *args, **kwargs):
    fmt = logging.Formatter("%(asctime)s %(levelname)s [%(task_name)s %(task_id)s] %(name)s %(message)s")
    for handler in logger.handlers:
        handler.addFilter(TaskContextFilter())
        handler.setFormatter(fmt)
