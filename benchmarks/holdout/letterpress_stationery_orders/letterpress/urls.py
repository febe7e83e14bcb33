"""URL routes for the letterpress stationery shop.

Customer pages sit under /orders/ and /account/, studio tools under /studio/,
and the Stripe webhook under /hooks/.
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from accounts import views as account_views
from orders import checkout as checkout_views
from orders import views as order_views
from orders import webhooks as webhook_views
from press import slots as press_views
from proofs import views as proof_views
from reports import monthly as report_views

admin.site.site_header = "Ink & Platen studio"
admin.site.site_title = "Ink & Platen"

account_patterns = [
    path("account/sign-in/", account_views.sign_in, name="sign_in"),
    path("account/sign-up/", account_views.sign_up, name="sign_up"),
    path("account/reset/", account_views.password_reset_request, name="password_reset_request"),
    path("account/reset/confirm/", account_views.password_reset_confirm, name="password_reset_confirm"),
    path("account/paper-preference/", account_views.set_paper_preference, name="paper_preference"),
]

order_patterns = [
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/new/", order_views.order_create, name="order_create"),
    path("orders/<str:reference>/", order_views.order_detail, name="order_detail"),
    path("orders/<str:reference>/artwork/", order_views.upload_artwork, name="upload_artwork"),
    path("orders/<str:reference>/proofs/<int:version>/approve/", order_views.approve_proof, name="approve_proof"),
    path("orders/<str:reference>/checkout/", checkout_views.start_checkout, name="start_checkout"),
    path("orders/<str:reference>/paid/", order_views.order_detail, name="checkout_done"),
    path("orders/<str:reference>/balance/", checkout_views.pay_balance, name="pay_balance"),
    path("proofs/<int:proof_id>/approve/", proof_views.approve_from_email, name="approve_from_email"),
]

studio_patterns = [
    path("studio/proofs/", proof_views.proof_queue, name="proof_queue"),
    path("studio/orders/<str:reference>/proofs/", proof_views.upload_proof, name="upload_proof"),
    path("studio/proofs/<int:proof_id>/preview/", proof_views.regenerate_preview, name="regenerate_preview"),
    path("studio/orders/<str:reference>/schedule/", press_views.schedule_order, name="schedule_order"),
    path("studio/orders/<str:reference>/unschedule/", press_views.unschedule_order, name="unschedule_order"),
    path("studio/reports/monthly/", report_views.monthly_report, name="monthly_report"),
    path("studio/reports/yearly/", report_views.yearly_export, name="yearly_export"),
    path("studio/reports/status/", report_views.status_export, name="status_export"),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="order_list", permanent=False)),
    path("studio/admin/", admin.site.urls),
    path("hooks/stripe/", webhook_views.stripe_webhook, name="stripe_webhook"),
    *account_patterns,
    *order_patterns,
    *studio_patterns,
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL or "/media/", document_root=settings.BASE_DIR / "media")
