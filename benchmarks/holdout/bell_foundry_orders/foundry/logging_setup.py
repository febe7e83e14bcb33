"""JSON logging with a correlation id for every request and background job."""

import contextvars
import json
import logging
import re
import sys
import uuid

from flask import Flask, g, request

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(  # ok: CON002
    "request_id", default="-"
)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Copy the current request or job id onto every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, so the log shipper can index the fields."""

    RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in record.__dict__.items():
            if key not in self.RESERVED and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def install_request_id(app: Flask) -> None:
    """Accept an upstream X-Request-ID when it looks sane, otherwise mint one."""

    @app.before_request
    def bind_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.request_id = rid
        request_id_var.set(rid)

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = request_id_var.get()
        return response


def bind_job_id(job_id: str) -> contextvars.Token:
    """Used by RQ jobs so their log lines carry the job id."""
    return request_id_var.set(f"job:{job_id}")
