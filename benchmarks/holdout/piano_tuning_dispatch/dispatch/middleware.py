"""Request correlation for logs and responses.

Every request gets an id (taken from the load balancer's X-Request-ID when it
sent one) that is bound to a context variable, so any log line written while
the request is being served carries it without callers passing it around.
"""
import contextvars
import logging
import re
import time
import uuid

logger = logging.getLogger("dispatch.access")

_request_id = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id():
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` so formatters can print it."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    header = "HTTP_X_REQUEST_ID"
    response_header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def _incoming_id(self, request):
        candidate = request.META.get(self.header, "")
        if _VALID_ID.match(candidate):
            return candidate
        return uuid.uuid4().hex

    def __call__(self, request):
        request_id = self._incoming_id(request)
        token = _request_id.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            elapsed_ms = (time.monotonic() - started) * 1000
            _request_id.reset(token)
        response[self.response_header] = request_id
        user_id = getattr(getattr(request, "user", None), "pk", None)
        logger.info(
            "%s %s -> %s in %.1fms user=%s rid=%s",
            request.method,
            request.path,
            response.status_code,
            elapsed_ms,
            user_id,
            request_id,
        )
        return response


def celery_headers():
    """Headers to attach when enqueueing a task so workers log the same id."""
    return {"request_id": _request_id.get()}


def bind_from_task(task_request):
    """Called at the start of a Celery task to restore the caller's id."""
    headers = getattr(task_request, "headers", None) or {}
    value = headers.get("request_id") or f"task-{task_request.id}"
    return _request_id.set(value)


def unbind(token):
    _request_id.reset(token)
