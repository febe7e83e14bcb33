"""Engine, session factory and per-request session handling."""

from contextlib import contextmanager
from typing import Iterator

from flask import current_app, g
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "payouts.sessions"


def make_engine(url: str) -> Engine:
    return create_engine(
        url,
        pool_size=10,
        max_overflow=5,
        pool_timeout=10,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"connect_timeout": 5, "options": "-c statement_timeout=15000"},
    )


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def session_factory() -> sessionmaker:
    return current_app.extensions[EXTENSION_KEY]


def get_session() -> Session:
    """Session bound to the current request; closed in teardown."""
    if "db_session" not in g:
        g.db_session = session_factory()()
    return g.db_session


def close_session(exc=None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """Open a session, commit on success, roll back on any error."""
    with factory() as session:
        with session.begin():
            yield session


def init_app(app, engine: Engine) -> None:
    app.extensions[EXTENSION_KEY] = make_session_factory(engine)
    app.extensions["payouts.engine"] = engine
    app.teardown_appcontext(close_session)
