"""Dramatiq broker and worker middleware.

Actor modules import this first so their actors bind to the Redis broker.
Run workers with ``dramatiq falconry.actors.invoices falconry.actors.vet_sync``.
"""

import contextvars
import logging

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, Callbacks, Middleware, Pipelines, Retries, ShutdownNotifications, TimeLimit

from falconry.db import db
from falconry.middleware import configure_logging, request_id_var
from falconry.settings import settings

logger = logging.getLogger(__name__)

_message_token: contextvars.ContextVar = contextvars.ContextVar("message_token", default=None)


class PeeweeConnectionMiddleware(Middleware):
    """One pooled connection per message, returned whatever the outcome."""

    def before_process_message(self, broker, message):
        db.connect(reuse_if_open=True)

    def after_process_message(self, broker, message, *, result=None, exception=None):
        if not db.is_closed():
            db.close()

    after_skip_message = after_process_message


class MessageIdLogging(Middleware):
    """Put the message id where the log filter looks for a request id."""

    def before_process_message(self, broker, message):
        _message_token.set(request_id_var.set(f"msg:{message.message_id}"))

    def after_process_message(self, broker, message, *, result=None, exception=None):
        token = _message_token.get()
        if token is not None:
            request_id_var.reset(token)
        if exception is not None:
            logger.error(
                "actor %s failed (retry %s)",
                message.actor_name,
                message.options.get("retries", 0),
                exc_info=exception,
            )

    after_skip_message = after_process_message


broker = RedisBroker(
    url=settings.redis_url,
    socket_connect_timeout=5,
    middleware=[
        AgeLimit(),
        TimeLimit(time_limit=10 * 60 * 1000),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=3, min_backoff=15_000, max_backoff=15 * 60 * 1000),  # ok: REL002
    ],
)
broker.add_middleware(PeeweeConnectionMiddleware())
broker.add_middleware(MessageIdLogging())
dramatiq.set_broker(broker)
configure_logging()
