"""Request ids, bearer-token auth and a last-resort error handler."""
import contextvars
import functools
import logging
import uuid

import jwt
from aiohttp import web

from judging.db import json_error

log = logging.getLogger(__name__)
request_id_var = contextvars.ContextVar("request_id", default="-")

PUBLIC_PREFIXES = ("/healthz", "/auth/", "/public/")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


def configure_logging(level="INFO"):
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


@web.middleware
async def request_id_middleware(request, handler):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await handler(request)
        response.headers["X-Request-ID"] = rid
        return response
    finally:
        request_id_var.reset(token)


def decode_token(token, settings):
    return jwt.decode(  # ok: SEC008
        token,
        settings.jwt_secret,
        algorithms=["HS256"],
        audience=settings.jwt_audience,
        options={"require": ["exp", "sub", "role"]},
    )


@web.middleware
async def auth_middleware(request, handler):
    if request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return json_error(401, "missing_token")
    try:
        request["user"] = decode_token(token, request.app["settings"])
    except jwt.ExpiredSignatureError:
        return json_error(401, "token_expired")
    except jwt.InvalidTokenError as exc:
        log.info("rejected bearer token: %s", type(exc).__name__)
        return json_error(401, "invalid_token")
    return await handler(request)


@web.middleware
async def error_middleware(request, handler):
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, "internal_error")


def require_role(*roles):
    def decorator(view):
        @functools.wraps(view)
        async def wrapper(request):
            if request.get("user", {}).get("role") not in roles:
                return json_error(403, "forbidden")
            return await view(request)
        return wrapper
    return decorator
