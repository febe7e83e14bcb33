"""URL routes for the fridge network API and staff reports."""
from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from fridgenet.reports import fridge_levels, monthly_stats
from fridgenet.views import (
    checkin,
    dropoffs,
    drivers,
    phone_verification,
    restock,
    route_claims,
    slot_admin,
)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz),
    # fridges and stock
    path("api/fridges/<slug:fridge_slug>/stock/", restock.fridge_stock, name="fridge-stock"),
    path("api/fridges/<slug:fridge_slug>/stock/<int:item_id>/take/", restock.take_items, name="take-items"),
    path(
        "api/fridges/<slug:fridge_slug>/stock/<int:item_id>/count/",
        restock.correct_quantity,
        name="correct-quantity",
    ),
    path("api/fridges/<slug:fridge_slug>/clear-expired/", restock.clear_expired, name="clear-expired"),
    path("api/fridges/<slug:fridge_slug>/checkins/", checkin.pending_checkins, name="pending-checkins"),
    path("api/dropoffs/<int:dropoff_id>/check-in/", checkin.check_in, name="check-in"),
    # drop-off slots
    path("api/fridges/<slug:fridge_slug>/slots/", dropoffs.upcoming_slots, name="upcoming-slots"),
    path("api/fridges/<slug:fridge_slug>/slots/open-week/", slot_admin.open_week, name="open-week"),
    path("api/slots/<int:slot_id>/book/", dropoffs.book_slot, name="book-slot"),
    path("api/slots/<int:slot_id>/resize/", slot_admin.resize_slot, name="resize-slot"),
    path("api/slots/<int:slot_id>/close/", slot_admin.close_slot, name="close-slot"),
    path("api/dropoffs/mine/", dropoffs.my_dropoffs, name="my-dropoffs"),
    path("api/dropoffs/<int:dropoff_id>/cancel/", dropoffs.cancel_dropoff, name="cancel-dropoff"),
    # drivers and routes
    path("api/drivers/me/", drivers.my_profile, name="my-driver-profile"),
    path("api/drivers/me/availability/", drivers.update_availability, name="driver-availability"),
    path("api/drivers/me/routes/", drivers.my_routes, name="my-routes"),
    path("api/drivers/<int:driver_id>/", drivers.driver_profile, name="driver-profile"),
    path("api/drivers/me/phone/send-code/", phone_verification.send_code, name="phone-send-code"),
    path("api/drivers/me/phone/confirm/", phone_verification.confirm_code, name="phone-confirm"),
    path("api/routes/open/", route_claims.open_routes, name="open-routes"),
    path("api/routes/<int:route_id>/claim/", route_claims.claim_route, name="claim-route"),
    path("api/routes/<int:route_id>/release/", route_claims.release_route, name="release-route"),
    path("api/routes/<int:route_id>/complete/", route_claims.complete_route, name="complete-route"),
    # staff reports
    path("reports/monthly/", monthly_stats.monthly_stats, name="monthly-stats"),
    path("reports/monthly/dropoffs.csv", monthly_stats.monthly_dropoffs_csv, name="monthly-dropoffs-csv"),
    path("reports/fridges/", fridge_levels.fridge_levels, name="fridge-levels"),
    path("reports/fridges/<int:fridge_id>/categories/", fridge_levels.fridge_category_mix, name="fridge-mix"),
]
