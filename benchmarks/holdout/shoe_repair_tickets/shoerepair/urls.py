"""URL routes for the counter, workshop, customer portal and provider callbacks."""
from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path

from credit import views as credit_views
from notifications import webhooks
from tickets import counter_views, intake_photos, staff_views
from tickets import views as ticket_views


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ready"})


ticket_patterns = (
    [
        path("", ticket_views.create_ticket, name="create"),
        path("<int:ticket_id>/ready", ticket_views.mark_ready, name="ready"),
        path("<int:ticket_id>/hand-over", ticket_views.hand_over, name="hand_over"),
        path("<int:ticket_id>/photos", intake_photos.list_intake_photos, name="photos"),
        path("<int:ticket_id>/photos/upload", intake_photos.upload_intake_photo, name="photo_upload"),
        path("<int:ticket_id>/photos/<int:photo_id>", intake_photos.intake_photo, name="photo"),
        path("search", counter_views.search, name="search"),
        path("shelf", counter_views.ready_shelf, name="shelf"),
        path("queue", staff_views.work_queue, name="queue"),
        path("lookup", staff_views.lookup_by_phone, name="lookup"),
        path("benches", staff_views.bench_summary, name="benches"),
    ],
    "tickets",
)

credit_patterns = (
    [
        path("me", credit_views.my_balance, name="mine"),
        path("accounts/<int:account_id>", credit_views.account_statement, name="statement"),
        path("tickets/<int:ticket_id>/redeem", credit_views.redeem_at_pickup, name="redeem"),
        path("tickets/<int:ticket_id>/goodwill", credit_views.goodwill, name="goodwill"),
    ],
    "credit",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz),
    path("readyz", readyz),
    path("claim/<str:claim_number>", ticket_views.claim_status, name="claim_status"),
    path("tickets/", include(ticket_patterns)),
    path("credit/", include(credit_patterns)),
    path("hooks/sms/status", webhooks.delivery_status, name="sms_status"),
]
