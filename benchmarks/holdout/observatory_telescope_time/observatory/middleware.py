"""Request-id propagation for logs.

Every request gets an id (taken from the load balancer's X-Request-ID header when
present) that is stored in a context variable, echoed back in the response, and
stamped on every log record by RequestIdFilter.
"""
import contextvars
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
_user_id = contextvars.ContextVar("user_id", default="-")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Binds a request id (and the user id, once known) for the life of the request."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        rid_token = _request_id.set(request_id)
        uid_token = _user_id.set(
            str(request.user.pk) if getattr(request, "user", None) and request.user.is_authenticated else "-"
        )
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(rid_token)
            _user_id.reset(uid_token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds request_id and user_id attributes to every record so formatters can use them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id.get()
        return True


def bind_task_id(task_id: str):
    """Used by Celery signal handlers so task logs carry the task id in the same field."""
    return _request_id.set(f"task-{task_id}")


def unbind(token) -> None:
    _request_id.reset(token)
