"""Drivers claim and release open pickup routes."""
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import Driver, PickupRoute

logger = logging.getLogger(__name__)

CLAIM_WINDOW = timedelta(days=10)


def _route_summary(route):
    return {
        "id": route.pk,
        "date": route.date.isoformat(),
        "status": route.status,
        "stops": [s.fridge.name for s in route.stops.all()],
    }


@login_required
@require_GET
def open_routes(request):
    today = timezone.localdate()
    routes = (
        PickupRoute.objects.filter(status=PickupRoute.Status.OPEN, date__gte=today, date__lte=today + CLAIM_WINDOW)
        .prefetch_related("stops__fridge")
        .order_by("date")[:50]
    )
    return JsonResponse({"routes": [_route_summary(r) for r in routes]})  # ok: DB001


@login_required
@require_POST
def claim_route(request, route_id):
    driver = get_object_or_404(Driver, user=request.user, is_active=True)
    if not driver.phone_verified:
        return JsonResponse({"error": "verify_phone_first"}, status=403)

    with transaction.atomic():
        route = PickupRoute.objects.select_for_update().filter(pk=route_id).first()
        if route is None:
            return JsonResponse({"error": "not_found"}, status=404)
        if route.driver_id is not None or route.status != PickupRoute.Status.OPEN:  # ok: DB005
            return JsonResponse({"error": "already_claimed"}, status=409)
        if route.date < timezone.localdate():
            return JsonResponse({"error": "route_in_past"}, status=409)
        route.driver = driver
        route.status = PickupRoute.Status.CLAIMED
        route.save(update_fields=["driver", "status"])

    logger.info("driver %s claimed route %s for %s", driver.pk, route.pk, route.date)
    return JsonResponse({"id": route.pk, "status": route.status})


@login_required
@require_POST
def release_route(request, route_id):
    released = PickupRoute.objects.filter(
        pk=route_id,
        driver__user=request.user,
        status=PickupRoute.Status.CLAIMED,
        date__gt=timezone.localdate(),
    ).update(driver=None, status=PickupRoute.Status.OPEN)
    if not released:
        return JsonResponse({"error": "not_releasable"}, status=409)
    logger.info("user %s released route %s", request.user.pk, route_id)
    return JsonResponse({"id": route_id, "status": PickupRoute.Status.OPEN})


@login_required
@require_POST
def complete_route(request, route_id):
    route = get_object_or_404(
        PickupRoute.objects.select_related("driver"), pk=route_id, driver__user=request.user
    )
    updated = PickupRoute.objects.filter(pk=route.pk, status=PickupRoute.Status.CLAIMED).update(
        status=PickupRoute.Status.DONE
    )
    if not updated:
        return JsonResponse({"error": "not_claimed"}, status=409)
    logger.info("driver %s completed route %s", route.driver_id, route.pk)
    return JsonResponse({"id": route.pk, "status": PickupRoute.Status.DONE})
