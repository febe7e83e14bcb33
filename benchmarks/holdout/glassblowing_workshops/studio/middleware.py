"""Request ids for logs: every log line written while handling a request carries
the request id and user id, and the id is echoed back to the client."""
import contextvars
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
_user_id = contextvars.ContextVar("user_id", default="-")

_VALID_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id.get()
        return True


class RequestIdMiddleware:
    """Runs after AuthenticationMiddleware so request.user is available."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        user = getattr(request, "user", None)
        rid_token = _request_id.set(request_id)
        uid_token = _user_id.set(str(user.pk) if user is not None and user.is_authenticated else "-")
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(rid_token)
            _user_id.reset(uid_token)
        response["X-Request-ID"] = request_id
        return response
