"""Request plumbing shared by the blueprints: sessions, auth, errors, request ids."""
from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta
from functools import wraps

from flask import Flask, abort, g, jsonify, request, session

log = logging.getLogger(__name__)
TRUSTED_ORIGINS = {o for o in os.environ.get("TRUSTED_ORIGINS", "").split(",") if o}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request (workers, startup)
            record.request_id = "-"
        return True


def json_error(status: int, message: str, **details):
    body = {"error": {"status": status, "message": message, **details}}
    return jsonify(body), status


def login_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user_id = session.get("user_id")
            if user_id is None:
                return json_error(401, "login required")
            if roles and session.get("role") not in roles:
                return json_error(403, "not allowed for your role")
            g.user_id = user_id
            g.role = session.get("role")
            g.client_id = session.get("client_id")
            g.translator_id = session.get("translator_id")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def configure(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_SECURE=True,  # ok: SEC012
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RequestIdFilter())

    @app.before_request
    def bind_request():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            origin = request.headers.get("Origin")
            if origin and origin not in TRUSTED_ORIGINS:
                abort(403)

    @app.after_request
    def tag_response(response):
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response

    @app.errorhandler(413)
    def too_large(_):
        return json_error(413, "file too large")

    @app.errorhandler(403)
    def forbidden(_):
        return json_error(403, "forbidden")
