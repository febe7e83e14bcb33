"""Database engine and session handling (SQLModel, synchronous sessions)."""
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from .config import get_settings

logger = logging.getLogger(__name__)

_settings = get_settings()

engine: Engine = create_engine(
    str(_settings.database_url),
    pool_size=_settings.database_pool_size,
    max_overflow=5,
    pool_pre_ping=True,
    pool_recycle=1800,
    pool_timeout=10,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=15000"},
)


@event.listens_for(engine, "handle_error")
def _log_db_error(context) -> None:
    logger.warning(
        "database error statement=%s",
        (context.statement or "")[:200],
        exc_info=context.original_exception,
    )


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, closed afterwards."""
    with Session(engine) as session:
        yield session


@contextmanager
def session_scope() -> Iterator[Session]:
    """Session for jobs and scripts: commit on success, roll back on error."""
    session = Session(engine)
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def create_tables() -> None:
    """Create missing tables; used by tests and the first deploy of a new environment."""
    from . import models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)


def ping() -> bool:
    """Health probe helper: True when the database answers."""
    from sqlalchemy import text

    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        logger.warning("database ping failed", exc_info=True)
        return False
