"""URL routes for the moorings API, the office reports and the Stripe webhook."""
from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from marina import admin_reports, occupancy, permit_views, pumpout_views, stripe_webhooks
from marina.berth_views import BerthBookingViewSet, MarinaBerthViewSet

router = DefaultRouter()
router.register("bookings", BerthBookingViewSet, basename="booking")
router.register(r"marinas/(?P<marina_code>[A-Z0-9]+)/berths", MarinaBerthViewSet, basename="marina-berth")

api_patterns = [
    path("", include(router.urls)),
    path("permits/", permit_views.permits, name="permits"),
    path("permits/search/", permit_views.search_permits, name="permit-search"),
    path("permits/<int:permit_id>/", permit_views.cancel, name="permit-cancel"),
    path("permits/<int:permit_id>/pdf/", permit_views.permit_pdf, name="permit-pdf"),
    path("pumpouts/", pumpout_views.my_pumpouts, name="pumpout-list"),
    path("pumpouts/request/", pumpout_views.request_pumpout, name="pumpout-request"),
]

office_patterns = [
    path("arrears/", admin_reports.arrears, name="arrears"),
    path("bookings.csv", admin_reports.bookings_export, name="bookings-export"),
    path("<str:marina_code>/occupancy/", occupancy.nightly_occupancy, name="occupancy"),
    path("<str:marina_code>/bookings.csv", occupancy.bookings_csv, name="marina-bookings-csv"),
]



def healthz(request):
    """Readiness: the app is up and can reach the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("office/", include(office_patterns)),
    path("webhooks/stripe/", stripe_webhooks.stripe_webhook, name="stripe-webhook"),
]
