"""Request-scoped logging context: every log line carries the request id and customer id."""
import contextvars
import json
import logging
import sys
from datetime import datetime, timezone

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
customer_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("customer_id", default="-")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.customer_id = customer_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "customer_id": getattr(record, "customer_id", "-"),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def bind_customer(customer_id: int | None) -> None:
    """Called by the auth dependency once the caller is known."""
    customer_id_var.set(str(customer_id) if customer_id is not None else "-")


def current_context() -> dict[str, str]:
    """Context to forward to background jobs so their logs join up with the request."""
    return {"request_id": request_id_var.get(), "customer_id": customer_id_var.get()}
