"""URL configuration and the Django Ninja API instance.

Every router shares one error envelope: ``{"error": {"code": ..., "message": ...}}``
with a matching 4xx/5xx status.
"""
from __future__ import annotations

import logging

from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from damage.api import router as damage_router
from damage.repairs import router as repairs_router
from rentals.api import router as rentals_router
from reports.term_summary import router as reports_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Strings Attached Rental Library",
    version="1.6.0",
    auth=django_auth,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra) -> JsonResponse:
    body = {"error": {"code": code, "message": message, **extra}}
    return api.create_response(request, body, status=status)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    return _error(request, 422, "invalid_request", "Request validation failed", fields=exc.errors)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    return _error(request, 401, "unauthenticated", "Sign in to continue")


api.add_router("/", rentals_router)
api.add_router("/", damage_router)
api.add_router("/workshop/", repairs_router)
api.add_router("/reports/", reports_router)


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("health check could not reach the database")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz),
]
