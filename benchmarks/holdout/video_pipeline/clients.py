"""Shared AWS, HTTP and database clients, built once per process."""
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import boto3
import requests
from botocore.config import Config
from celery import Celery
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .settings import get_settings

logger = logging.getLogger(__name__)

celery_app = Celery(
    "video_pipeline",
    broker=get_settings().broker_url,
    include=["video_pipeline.transcode_tasks", "video_pipeline.thumbnails",
             "video_pipeline.webhooks", "video_pipeline.metering", "video_pipeline.cleanup"],
)
celery_app.conf.update(task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1)

_AWS_CONFIG = Config(
    connect_timeout=5,  # ok: REL001
    read_timeout=60,
    retries={"max_attempts": 5, "mode": "standard"},  # ok: REL002
)


@lru_cache(maxsize=1)
def s3():
    return boto3.client("s3", region_name=get_settings().aws_region, config=_AWS_CONFIG)


@lru_cache(maxsize=1)
def sqs():
    return boto3.client("sqs", region_name=get_settings().aws_region, config=_AWS_CONFIG)


@lru_cache(maxsize=1)
def http() -> requests.Session:
    """Session for read-only calls to internal services; GET retries only."""
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, allowed_methods=frozenset({"GET", "HEAD"}),
                  status_forcelist=(502, 503, 504))  # ok: REL002
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=20))
    return session


class _PoolHolder:
    """Creates the connection pool on first use, after any worker fork."""

    def __init__(self) -> None:
        self._pool: ThreadedConnectionPool | None = None
        self._lock = threading.Lock()

    def get(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                settings = get_settings()
                self._pool = ThreadedConnectionPool(
                    1, settings.db_pool_size, settings.database_url,
                    connect_timeout=5, options="-c statement_timeout=30000",  # ok: REL001
                )
            return self._pool


_pools = _PoolHolder()


@contextmanager
def db_cursor() -> Iterator[RealDictCursor]:
    """Pooled dict cursor; commits on success and rolls back on error."""
    pool = _pools.get()
    conn = pool.getconn()
    try:
        with conn.cursor(cursor_factory=RealDictCursor) as cur:  # ok: RES001
            yield cur
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        pool.putconn(conn)
