"""URL routes for the studio API. Everything under /api/ is JSON."""
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from billing.webhooks import stripe_webhook
from giftcards import views as giftcard_views
from reports import exports as report_exports
from reports import views as report_views
from workshops import seat_holds
from workshops import views as workshop_views

router = DefaultRouter()
router.register("workshops", workshop_views.WorkshopViewSet, basename="workshop")


def healthz(_request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/sessions/", workshop_views.UpcomingSessionList.as_view(), name="session-list"),
    path(
        "api/sessions/<int:session_id>/bookings/",
        workshop_views.BookingCreateView.as_view(),
        name="booking-create",
    ),
    path("api/sessions/<int:session_id>/holds/", seat_holds.HoldCreateView.as_view(), name="hold-create"),
    path("api/holds/<int:hold_id>/confirm/", seat_holds.HoldConfirmView.as_view(), name="hold-confirm"),
    path("api/giftcards/purchase/", giftcard_views.GiftCardPurchaseView.as_view(), name="giftcard-purchase"),
    path("api/giftcards/balance/", giftcard_views.GiftCardBalanceView.as_view(), name="giftcard-balance"),
    path("api/giftcards/redeem/", giftcard_views.GiftCardRedeemView.as_view(), name="giftcard-redeem"),
    path("api/reports/revenue/", report_views.RevenueReportView.as_view(), name="report-revenue"),
    path("api/reports/attendees/", report_views.AttendeeListView.as_view(), name="report-attendees"),
    path("api/reports/bookings.csv", report_exports.bookings_csv, name="report-bookings-csv"),
    path("webhooks/stripe/", stripe_webhook, name="stripe-webhook"),
]
