"""PostgreSQL access for the portal: one pool per process, one cursor per unit of work."""
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

logger = logging.getLogger(__name__)


class Database:
    """Flask extension that hands out pooled connections.

    The pool is created lazily so that each gunicorn worker builds its own
    after the fork instead of sharing sockets with the master process.
    """

    def __init__(self) -> None:
        self._pool: ThreadedConnectionPool | None = None
        self._lock = threading.Lock()
        self._dsn = ""
        self._max_connections = 10

    def init_app(self, app) -> None:
        self._dsn = app.config["DATABASE_URL"]
        self._max_connections = int(app.config.get("DB_POOL_SIZE", 10))
        app.extensions["portal_db"] = self

    def _get_pool(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadedConnectionPool(
                    1,
                    self._max_connections,
                    self._dsn,
                    connect_timeout=5,  # ok: REL001
                    options="-c statement_timeout=15000",
                )
            return self._pool

    @contextmanager
    def cursor(self) -> Iterator[RealDictCursor]:
        """Yield a dict cursor; commit on success, roll back on any error."""
        pool = self._get_pool()
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

    def ping(self) -> bool:
        with self.cursor() as cur:
            cur.execute("SELECT 1 AS ok")
            return cur.fetchone()["ok"] == 1

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.closeall()
                self._pool = None


db = Database()
