"""psycopg2 connection pool shared by request handlers and jobs (Flask extension style)."""
import logging
from contextlib import contextmanager
from typing import Iterator

from psycopg2.extensions import connection as PgConnection
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)


class Database:
    def __init__(self) -> None:
        self._pool: ThreadedConnectionPool | None = None

    def init_app(self, app) -> None:
        cfg = app.config
        self.open(
            cfg["DATABASE_DSN"],
            cfg["DB_POOL_MIN"],
            cfg["DB_POOL_MAX"],
            cfg["DB_STATEMENT_TIMEOUT_MS"],
        )
        app.extensions["charter_db"] = self

    def open(self, dsn: str, minconn: int, maxconn: int, statement_timeout_ms: int) -> None:
        """Create the pool; each gunicorn worker process builds its own after fork."""
        self._pool = ThreadedConnectionPool(
            minconn,
            maxconn,
            dsn=dsn,
            connect_timeout=5,
            application_name="charter-quotes",
            options=f"-c statement_timeout={statement_timeout_ms}",
            cursor_factory=RealDictCursor,
        )
        logger.info("database pool ready (%s-%s connections)", minconn, maxconn)

    @contextmanager
    def connection(self) -> Iterator[PgConnection]:
        """Borrow a connection; commit on success, roll back on error, always return it."""
        if self._pool is None:
            raise RuntimeError("database pool is not open")
        conn = self._pool.getconn()
        try:
            yield conn
            conn.commit()
        except Exception:
            conn.rollback()
            raise
        finally:
            self._pool.putconn(conn)

    @contextmanager
    def cursor(self) -> Iterator:
        with self.connection() as conn:
            with conn.cursor() as cur:
                yield cur

    def close(self) -> None:
        if self._pool is not None:
            self._pool.closeall()
            self._pool = None


db = Database()
