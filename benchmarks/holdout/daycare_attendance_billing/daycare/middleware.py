"""Request ids for log lines, carried from web requests into Celery tasks."""
import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

_request_id = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def current_request_id():
    return _request_id.get()


class RequestIdMiddleware:
    """Take X-Request-ID from the ingress (or make one) and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


@before_task_publish.connect
def _attach_request_id(headers=None, **_kwargs):
    if headers is not None and "request_id" not in headers:
        headers["request_id"] = _request_id.get()


@task_prerun.connect
def _bind_task_request_id(task=None, task_id=None, **_kwargs):
    if task is None:
        return
    request_id = getattr(task.request, "request_id", None)
    task.request.log_token = _request_id.set(request_id or f"task-{task_id}")


@task_postrun.connect
def _unbind_task_request_id(task=None, **_kwargs):
    token = getattr(task.request, "log_token", None) if task else None
    if token is not None:
        _request_id.reset(token)
