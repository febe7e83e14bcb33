"""Request ids for log correlation across the web app and Celery tasks."""
import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def _incoming_id(request):
    candidate = request.headers.get(HEADER, "")
    return candidate if _VALID_ID.match(candidate) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Bind a request id for the duration of the request and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _incoming_id(request)
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


@before_task_publish.connect
def _propagate_request_id(headers=None, **kwargs):
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault("request_id", request_id_var.get())


@task_prerun.connect
def _bind_task_request_id(task=None, task_id=None, **kwargs):
    incoming = getattr(task.request, "request_id", None) if task is not None else None
    request_id_var.set(incoming or f"task-{task_id}")


@task_postrun.connect
def _clear_task_request_id(**kwargs):
    request_id_var.set("-")
