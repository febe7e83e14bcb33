import logging
import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bedsite.settings")

app = Celery("bedsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = (
    "paging.oncall",
    "paging.escalation",
    "reports.nightly_census",
    "reports.occupancy_export",
)

logger = logging.getLogger("bedsite.celery")

# Beat runs as its own single-replica deployment (see k8s/deployment.yaml).
app.conf.beat_schedule = {
    "export-inpatient-snapshot": {
        "task": "reports.occupancy_export.export_inpatient_snapshot",
        "schedule": crontab(hour=1, minute=15),
    },
    "push-nightly-census": {
        "task": "reports.nightly_census.push_nightly_census",
        "schedule": crontab(hour=1, minute=45),
    },
    "purge-old-census": {
        "task": "reports.nightly_census.purge_old_census",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
}
app.conf.task_routes = {
    "paging.*": {"queue": "paging"},
    "reports.*": {"queue": "reports"},
}
app.conf.task_time_limit = 15 * 60
app.conf.task_soft_time_limit = 12 * 60
app.conf.broker_connection_retry_on_startup = True


@signals.task_prerun.connect
def bind_task_context(task_id=None, task=None, **kwargs):
    from wards.middleware import request_id_var, user_id_var

    request_id_var.set(f"task-{task_id}")
    user_id_var.set("system")


@signals.task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, einfo=None, **kwargs):
    logger.error(
        "task %s (%s) failed", getattr(sender, "name", "?"), task_id,
        exc_info=(type(exception), exception, einfo.tb if einfo else None),
    )


@signals.worker_ready.connect
def announce_ready(sender=None, **kwargs):
    logger.info("celery worker ready on %s", getattr(sender, "hostname", "?"))
