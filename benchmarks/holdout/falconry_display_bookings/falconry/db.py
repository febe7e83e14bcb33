"""Peewee database handle backed by a bounded PostgreSQL connection pool."""

import functools
import logging
from urllib.parse import unquote, urlparse

from peewee import OperationalError
from playhouse.pool import PooledPostgresqlExtDatabase

from falconry.settings import settings

logger = logging.getLogger(__name__)


def _database_from_url(url: str) -> PooledPostgresqlExtDatabase:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise RuntimeError(f"unsupported database scheme {parsed.scheme!r}")
    return PooledPostgresqlExtDatabase(
        parsed.path.lstrip("/"),
        user=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        host=parsed.hostname or "localhost",
        port=parsed.port or 5432,
        max_connections=20,
        stale_timeout=300,
        timeout=10,
        connect_timeout=5,
        options="-c statement_timeout=15000",
        register_hstore=False,
    )


db = _database_from_url(settings.database_url)


def with_connection(fn):
    """Give a background job its own pooled connection for the duration of the call."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with db.connection_context():
            return fn(*args, **kwargs)

    return wrapper


def ping() -> bool:
    """Used by the health endpoint; never raises."""
    try:
        with db.connection_context():
            db.execute_sql("SELECT 1")
        return True
    except OperationalError:
        logger.warning("database ping failed", exc_info=True)
        return False


def create_schema() -> None:
    """Create missing tables; run from the release job, not from web workers."""
    from falconry import models

    with db.connection_context():
        db.create_tables(models.ALL_MODELS, safe=True)
    logger.info("schema checked", extra={"tables": len(models.ALL_MODELS)})
