"""Celery application shared by the web app (to enqueue) and the workers (to run).

Periodic jobs are scheduled by a single `celery beat` process (see
docker-compose.yml), never from the web workers.
"""
import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init, worker_process_shutdown

from archive.db import close_pool, init_pool

logger = logging.getLogger(__name__)

celery = Celery(
    "archive",
    broker=os.environ.get("ARCHIVE_BROKER_URL", "redis://localhost:6379/1"),  # ok: MNT002
    backend=os.environ.get("ARCHIVE_RESULT_BACKEND", "redis://localhost:6379/2"),
    include=["archive.ocr_jobs", "archive.thumbnails", "archive.retention", "archive.notifications"],
)

celery.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=30 * 60,
    task_soft_time_limit=25 * 60,
    broker_transport_options={"visibility_timeout": 60 * 60},
    broker_connection_timeout=5,
    result_expires=24 * 3600,
    task_default_queue="archive",
    task_routes={
        "archive.ocr_jobs.*": {"queue": "ocr"},
        "archive.thumbnails.*": {"queue": "ocr"},
    },
    timezone="UTC",
)

celery.conf.beat_schedule = {  # ok: SCL003
    "purge-expired-documents": {
        "task": "archive.retention.purge_expired_documents",
        "schedule": crontab(hour=2, minute=30),
    },
    "expire-share-links": {
        "task": "archive.retention.expire_share_links",
        "schedule": crontab(minute="*/15"),
    },
}


@worker_process_init.connect
def _open_pool(**_kwargs):
    init_pool(minconn=1, maxconn=4)


@worker_process_shutdown.connect
def _close_pool(**_kwargs):
    close_pool()
    logger.info("worker process pool closed")
