import logging
import re
import time
import uuid
from contextvars import ContextVar

request_id_var = ContextVar("request_id", default="-")
user_id_var = ContextVar("user_id", default="-")

logger = logging.getLogger("wards.access")

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")
SLOW_REQUEST_SECONDS = 1.5


class ContextFilter(logging.Filter):
    """Adds the current request and user ids to every log record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.user_id = user_id_var.get()
        return True


def _incoming_request_id(request):
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if _SAFE_ID.match(candidate) else uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = _incoming_request_id(request)
        rid_token = request_id_var.set(rid)  # ok: CON002
        user = getattr(request, "user", None)
        uid_token = user_id_var.set(str(user.pk) if user is not None and user.is_authenticated else "-")
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            elapsed = time.monotonic() - started
            if elapsed > SLOW_REQUEST_SECONDS:
                logger.warning("slow request %s %s took %.2fs", request.method, request.path, elapsed)
            request_id_var.reset(rid_token)
            user_id_var.reset(uid_token)
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        return None
