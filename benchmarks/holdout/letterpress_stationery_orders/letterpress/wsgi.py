"""WSGI entry point for gunicorn (``letterpress.wsgi:application``).

Kubernetes probes reach the pod by IP, which Django's ALLOWED_HOSTS check
rejects, so the probe paths are answered here, in front of Django.
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letterpress.settings")
django_app = get_wsgi_application()

from django.db import DatabaseError, connection  # noqa: E402  (needs settings configured)

logger = logging.getLogger("letterpress.probes")

LIVE_PATH = "/healthz"
READY_PATH = "/readyz"


class ProbeMiddleware:
    """Answer liveness and readiness probes before the Django stack."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == LIVE_PATH:
            return self._respond(start_response, "200 OK", b"ok")
        if path == READY_PATH:
            return self._ready(start_response)
        return self.app(environ, start_response)

    def _ready(self, start_response):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.warning("readiness probe: database unreachable", exc_info=True)
            return self._respond(start_response, "503 Service Unavailable", b"database unavailable")
        finally:
            connection.close_if_unusable_or_obsolete()
        return self._respond(start_response, "200 OK", b"ready")

    @staticmethod
    def _respond(start_response, status, body):
        start_response(
            status,
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


application = ProbeMiddleware(django_app)
