"""Celery entry point: `celery -A kennels.worker worker` / `celery -A kennels.worker beat`."""
import logging

from celery.signals import task_failure, task_retry, worker_process_init

from kennels import create_app, db

log = logging.getLogger("kennels.worker")

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.autodiscover_tasks(
    [
        "kennels",
        "kennels.payments.checkout_tasks",
        "kennels.payments.deposits",
        "kennels.photos.daily_updates",
    ],
    related_name=None,
)


@worker_process_init.connect
def _reset_db_pool(**_kwargs) -> None:
    """Each forked worker process must open its own database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)


@task_failure.connect
def _log_failure(sender=None, task_id=None, exception=None, **_kwargs) -> None:
    log.error(
        "task %s[%s] failed",
        getattr(sender, "name", sender),
        task_id,
        exc_info=exception,
    )


@task_retry.connect
def _log_retry(request=None, reason=None, **_kwargs) -> None:
    log.warning(
        "task %s[%s] retrying: %s",
        getattr(request, "task", None),
        getattr(request, "id", None),
        reason,
    )


if __name__ == "__main__":
    celery_app.start()
