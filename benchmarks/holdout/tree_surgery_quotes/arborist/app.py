"""Litestar application: routing, middleware and lifecycle hooks."""
from __future__ import annotations

import asyncio
import json
import logging
from datetime import date, datetime, timedelta

from litestar import Litestar, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import ServiceUnavailableException
from litestar.middleware.base import DefineMiddleware
from redis.asyncio import Redis
from sqlalchemy import func, select

from arborist.auth import SessionTokenMiddleware
from arborist.controllers.payments import PaymentController, stripe_webhook
from arborist.controllers.photos import PhotoController
from arborist.controllers.quotes import QuoteController
from arborist.controllers.schedule import ScheduleController
from arborist.controllers.visits import VisitController
from arborist.db import close_database, database_ready, open_database, provide_session
from arborist.models import CrewBooking
from arborist.settings import get_settings

logger = logging.getLogger("arborist")

JOB_SHEET_HOUR = 18


async def open_redis(app: Litestar) -> None:
    app.state.redis = Redis.from_url(
        get_settings().redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=2
    )


async def close_redis(app: Litestar) -> None:
    await app.state.redis.aclose()


async def _queue_job_sheets(app: Litestar) -> None:
    """Each evening, queue an SMS per crew with the number of jobs tomorrow."""
    last_sent: date | None = None
    while True:
        now = datetime.now()
        if now.hour >= JOB_SHEET_HOUR and last_sent != now.date():
            tomorrow = now.date() + timedelta(days=1)
            try:
                async with app.state.session_maker() as session:
                    rows = (
                        await session.execute(
                            select(CrewBooking.crew_id, func.count())
                            .where(CrewBooking.day == tomorrow)
                            .group_by(CrewBooking.crew_id)
                        )
                    ).all()
                for crew_id, jobs in rows:
                    message = {"crew_id": crew_id, "day": tomorrow.isoformat(), "jobs": jobs}
                    await app.state.redis.rpush("sms:outbox", json.dumps(message))
                last_sent = now.date()
                logger.info("queued job sheets for %d crews", len(rows))
            except Exception:
                logger.exception("could not queue job sheets for %s", tomorrow)
        await asyncio.sleep(300)


async def start_job_sheets(app: Litestar) -> None:
    app.state.job_sheet_task = asyncio.create_task(_queue_job_sheets(app))  # expect: SCL003


async def stop_job_sheets(app: Litestar) -> None:
    task = getattr(app.state, "job_sheet_task", None)
    if task is not None:
        task.cancel()


@get("/health", exclude_from_auth=True)
async def health(state: State) -> dict[str, str]:
    if not await database_ready(state):
        raise ServiceUnavailableException("database unavailable")
    return {"status": "ok"}


def create_app() -> Litestar:
    settings = get_settings()
    cors = CORSConfig(
        allow_origins=list(settings.cors_origins) or ["*"],  # expect: SEC013
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
    )
    auth = DefineMiddleware(SessionTokenMiddleware, exclude=["^/health$", "^/webhooks/", "^/schema"])
    return Litestar(
        route_handlers=[
            health,
            VisitController,
            QuoteController,
            PhotoController,
            ScheduleController,
            PaymentController,
            stripe_webhook,
        ],
        dependencies={"session": Provide(provide_session)},
        middleware=[auth],
        cors_config=cors,
        on_startup=[open_database, open_redis, start_job_sheets],
        on_shutdown=[stop_job_sheets, close_redis, close_database],
        request_max_body_size=settings.max_photo_bytes + 64 * 1024,
        debug=settings.debug,
    )


app = create_app()
