"""Celery entry point and beat schedule.

Run the workers with ``celery -A sweepvisits.worker worker`` and exactly one
scheduler with ``celery -A sweepvisits.worker beat``; the web processes never
start the schedule themselves.
"""
import logging

from celery.schedules import crontab
from celery.signals import task_failure, task_prerun

from . import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

logger = logging.getLogger(__name__)

# Import task modules so the worker registers them.
from .clients import insurer  # noqa: E402,F401
from .tasks import deposits, mail, no_show_fees  # noqa: E402,F401
from .views import certificates  # noqa: E402,F401

celery_app.conf.beat_schedule = {  # ok: SCL003
    "queue-no-show-fees": {
        "task": "sweepvisits.tasks.no_show_fees.queue_no_show_fees",
        "schedule": crontab(hour=7, minute=15),
    },
    "open-crew-days": {
        "task": "sweepvisits.tasks.no_show_fees.open_crew_days",
        "schedule": crontab(hour=2, minute=0),
    },
}

celery_app.conf.task_routes = {
    "sweepvisits.tasks.deposits.*": {"queue": "payments"},
    "sweepvisits.tasks.no_show_fees.*": {"queue": "payments"},
    "sweepvisits.views.certificates.*": {"queue": "files"},
    "sweepvisits.tasks.mail.*": {"queue": "mail"},
    "sweepvisits.clients.insurer.*": {"queue": "partners"},
}


@task_prerun.connect
def _log_task_start(task_id=None, task=None, args=None, **_):
    logger.info("task %s[%s] starting", task.name, task_id)


@task_failure.connect
def _log_task_failure(task_id=None, exception=None, sender=None, einfo=None, **_):
    logger.error(
        "task %s[%s] failed: %r",
        sender.name if sender else "?",
        task_id,
        exception,
        exc_info=(type(exception), exception, einfo.tb) if einfo else None,
    )


def main():
    """Convenience for local runs: ``python -m sweepvisits.worker``."""
    celery_app.worker_main(["worker", "--loglevel=INFO", "-Q", "celery,payments,files,mail,partners"])


if __name__ == "__main__":
    main()
