"""Request ids for log correlation.

The id comes from the load balancer's X-Request-ID header when present and is
kept in a ContextVar, so concurrent requests (and Celery tasks, see
seedbank/celery.py) each see their own value.
"""
import contextvars
import logging
import re
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
log = logging.getLogger(__name__)


class RequestIdFilter(logging.Filter):
    """Adds %(request_id)s to every record; configured in settings.LOGGING."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


def _incoming_id(request):
    candidate = request.headers.get("X-Request-ID", "")
    if _VALID_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = _incoming_id(request)
        token = request_id_var.set(rid)  # ok: CON002
        request.request_id = rid
        try:
            response = self.get_response(request)
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.path)
            raise
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


def current_request_id():
    """For code that forwards the id to other services (carrier API, mail headers)."""
    return request_id_var.get()


class SlowRequestLogger:
    """Logs requests that take longer than SLOW_REQUEST_MS (default 1500 ms)."""

    def __init__(self, get_response, threshold_ms=1500):
        self.get_response = get_response
        self.threshold_ms = threshold_ms

    def __call__(self, request):
        import time

        started = time.monotonic()
        response = self.get_response(request)
        elapsed_ms = (time.monotonic() - started) * 1000
        if elapsed_ms > self.threshold_ms:
            log.warning("slow request %s %s took %.0f ms (status %s)",
                        request.method, request.path, elapsed_ms, response.status_code)
        return response
