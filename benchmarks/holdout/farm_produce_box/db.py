"""PostgreSQL access through a thread-safe psycopg2 connection pool."""
import contextlib
import logging

from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)


class Database:
    def __init__(self, dsn, minconn=1, maxconn=10, statement_timeout_ms=15000):
        self._pool = ThreadedConnectionPool(
            minconn,
            maxconn,
            dsn=dsn,
            connect_timeout=5,
            options=f"-c statement_timeout={int(statement_timeout_ms)}",
        )

    @contextlib.contextmanager
    def connection(self):
        """Borrow a connection; commit on success, roll back on error, always return it."""
        conn = self._pool.getconn()
        try:
            yield conn
            conn.commit()
        except Exception:
            conn.rollback()
            raise
        finally:
            self._pool.putconn(conn)

    @contextlib.contextmanager
    def cursor(self, dict_rows=True):
        with self.connection() as conn:
            cur = conn.cursor(cursor_factory=RealDictCursor if dict_rows else None)
            try:
                yield cur
            finally:
                cur.close()

    def close(self):
        self._pool.closeall()


def get_db():
    from flask import current_app

    return current_app.extensions["produce_db"]
