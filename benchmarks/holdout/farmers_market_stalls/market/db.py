import logging
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Sequence

from fastapi import Request
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

from market.settings import Settings

log = logging.getLogger(__name__)


class Database:
    """Thin wrapper around a psycopg2 pool; every helper borrows and returns a connection."""

    def __init__(self, settings: Settings):
        self._pool = ThreadedConnectionPool(
            settings.db_pool_min,
            settings.db_pool_max,
            dsn=settings.database_dsn.get_secret_value(),
            connect_timeout=5,
            options=f"-c statement_timeout={settings.db_statement_timeout_ms}",
            application_name="market-api",
        )

    @contextmanager
    def connection(self) -> Iterator[Any]:
        conn = self._pool.getconn()
        try:
            yield conn
            conn.commit()
        except Exception:
            conn.rollback()
            raise
        finally:
            self._pool.putconn(conn)  # ok: RES001

    @contextmanager
    def cursor(self) -> Iterator[RealDictCursor]:
        with self.connection() as conn:
            with conn.cursor(cursor_factory=RealDictCursor) as cur:
                yield cur

    def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Optional[dict]:
        with self.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        with self.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.cursor() as cur:
            cur.execute(sql, params)
            return cur.rowcount

    def ping(self) -> bool:
        return self.fetch_one("SELECT 1 AS ok") is not None

    def close(self) -> None:
        self._pool.closeall()
        log.info("database pool closed")


def get_db(request: Request) -> Database:
    return request.app.state.db
