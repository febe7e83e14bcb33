"""Connection pool shared by the request handlers and scheduled jobs."""
import logging
from contextlib import contextmanager

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)


class Database:
    def __init__(self):
        self._pool = None

    def init_app(self, app):
        self._pool = ConnectionPool(
            conninfo=app.config["DATABASE_URL"],
            min_size=app.config["DB_POOL_MIN"],
            max_size=app.config["DB_POOL_MAX"],
            timeout=5,
            max_idle=300,
            kwargs={
                "connect_timeout": 5,
                "row_factory": dict_row,
                "options": "-c statement_timeout=15000",
            },
            open=True,
        )
        app.extensions["charter_db"] = self
        logger.info("database pool ready min=%s max=%s", app.config["DB_POOL_MIN"], app.config["DB_POOL_MAX"])

    @property
    def pool(self):
        if self._pool is None:
            raise RuntimeError("Database.init_app() has not been called")
        return self._pool

    def close(self):
        if self._pool is not None:
            self._pool.close()
            self._pool = None


db = Database()


@contextmanager
def get_conn():
    """Borrow a connection; it is returned to the pool (and rolled back if needed) on exit."""
    with db.pool.connection() as conn:  # ok: RES001
        yield conn


def ping():
    with get_conn() as conn:
        conn.execute("SELECT 1")
    return True
