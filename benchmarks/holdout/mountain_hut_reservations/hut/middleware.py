"""Request-id propagation and uniform JSON errors."""
import contextvars
import json
import logging
import time
import uuid

from aiohttp import web

logger = logging.getLogger(__name__)

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def install_log_filter() -> None:
    handler = logging.getLogger().handlers[0] if logging.getLogger().handlers else logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )


@web.middleware
async def request_id_middleware(request: web.Request, handler):
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    started = time.perf_counter()
    try:
        response = await handler(request)
        response.headers["X-Request-Id"] = request_id
        return response
    finally:
        logger.info(
            "%s %s done in %.1f ms",
            request.method,
            request.path,
            (time.perf_counter() - started) * 1000,
        )
        request_id_var.reset(token)


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and exc.content_type != "application/json":
            return web.json_response({"error": exc.reason}, status=exc.status)
        raise
    except Exception:
        logger.exception("unhandled error %s %s", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500)


def json_error(status: int, message: str) -> web.HTTPException:
    """Build an HTTP error with the API's usual JSON body."""
    error_cls = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
        429: web.HTTPTooManyRequests,
    }[status]
    return error_cls(text=json.dumps({"error": message}), content_type="application/json")
