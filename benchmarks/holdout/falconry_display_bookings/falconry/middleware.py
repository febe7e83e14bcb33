"""Falcon middleware: request ids for the logs, and one pooled DB connection per request."""

import contextvars
import json
import logging
import re
import sys
import time
import uuid

from falconry.db import db

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")  # ok: CON002
logger = logging.getLogger("falconry.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key in ("user_id", "booking_id", "bird_id", "shift_id", "status", "duration_ms", "path"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLineFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)


class RequestIdMiddleware:
    """Bind a request id for the whole request and echo it back to the caller."""

    def process_request(self, req, resp):
        incoming = req.get_header("X-Request-ID") or ""
        rid = incoming if _VALID_ID.match(incoming) else str(uuid.uuid4())
        req.context.request_id = rid
        req.context.started = time.monotonic()
        request_id_var.set(rid)

    def process_response(self, req, resp, resource, req_succeeded):
        resp.set_header("X-Request-ID", req.context.get("request_id", "-"))
        started = req.context.get("started")
        if started is not None:
            logger.info(
                "request finished",
                extra={
                    "path": req.path,
                    "status": resp.status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": req.context.get("user_id"),
                },
            )


class DatabaseSessionMiddleware:
    """Check a connection out of the pool per request and always hand it back."""

    def process_request(self, req, resp):
        db.connect(reuse_if_open=True)

    def process_response(self, req, resp, resource, req_succeeded):
        if not db.is_closed():
            db.close()
