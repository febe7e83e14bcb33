"""Engine, session factory and the FastAPI session dependency."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .settings import get_settings

settings = get_settings()

engine = create_engine(
    settings.database_url,
    pool_size=settings.db_pool_size,
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
    pool_recycle=1800,
    connect_args={"connect_timeout": 5},
)

SessionLocal = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


class Base(DeclarativeBase):
    pass


@event.listens_for(engine, "connect")
def _set_statement_timeout(dbapi_connection, _connection_record):
    """Cap every statement so one bad query cannot pin a connection forever."""
    timeout_ms = int(settings.db_statement_timeout_ms)
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {timeout_ms}")  # ok: SEC001
    dbapi_connection.commit()


def get_db() -> Iterator[Session]:
    """Request-scoped session; FastAPI closes it after the response is sent."""
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@contextmanager
def session_scope() -> Iterator[Session]:
    """Session for background work: commit on success, roll back on error."""
    db = SessionLocal()
    try:
        yield db
        db.commit()
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()
