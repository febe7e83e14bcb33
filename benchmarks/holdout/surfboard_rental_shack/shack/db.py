"""MongoDB and Redis connections.

One MongoClient per process, created lazily after the worker has forked,
with explicit timeouts so a slow replica set fails requests instead of hanging.
"""
from __future__ import annotations

import logging
import os
import threading

from flask import current_app
from pymongo import ASCENDING, DESCENDING, IndexModel, MongoClient
from pymongo.database import Database
from redis import Redis
from rq import Queue

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_clients: dict[int, MongoClient] = {}
_queues: dict[tuple[int, str], Queue] = {}


def _client(uri: str) -> MongoClient:
    pid = os.getpid()
    with _lock:  # ok: CON002
        client = _clients.get(pid)
        if client is None:
            client = MongoClient(
                uri,
                serverSelectionTimeoutMS=3000,  # ok: REL001
                connectTimeoutMS=3000,
                socketTimeoutMS=10000,
                maxPoolSize=20,
                appname="board-shack",
            )
            _clients[pid] = client
        return client


def get_db() -> Database:
    cfg = current_app.config["SHACK"]
    return _client(cfg.mongo_uri)[cfg.mongo_db]


def db_for(cfg) -> Database:
    """Database handle for RQ jobs, which run outside a Flask app context."""
    return _client(cfg.mongo_uri)[cfg.mongo_db]


def get_queue(cfg, name: str = "default") -> Queue:
    key = (os.getpid(), name)
    with _lock:
        queue = _queues.get(key)
        if queue is None:
            connection = Redis.from_url(cfg.redis_url, socket_timeout=5, socket_connect_timeout=3)
            queue = _queues[key] = Queue(name, connection=connection, default_timeout=300)
        return queue


def ensure_indexes(db: Database) -> None:
    db.boards.create_indexes(
        [IndexModel([("kind", ASCENDING), ("size", ASCENDING), ("status", ASCENDING)])]
    )
    db.rentals.create_indexes(
        [
            IndexModel([("customer_id", ASCENDING), ("started_at", DESCENDING)]),
            IndexModel([("status", ASCENDING), ("started_at", ASCENDING)]),
        ]
    )
    db.lessons.create_indexes(
        [IndexModel([("instructor_id", ASCENDING), ("starts_at", ASCENDING)], unique=True)]
    )
    db.instructor_days.create_indexes(
        [IndexModel([("instructor_id", ASCENDING), ("day", ASCENDING)], unique=True)]
    )
    db.payments.create_indexes([IndexModel([("taken_at", ASCENDING)])])
    db.waivers.create_indexes([IndexModel([("customer_id", ASCENDING), ("valid_until", DESCENDING)])])
    db.staff.create_indexes([IndexModel([("email", ASCENDING)], unique=True)])
    logger.info("mongo indexes ensured")
