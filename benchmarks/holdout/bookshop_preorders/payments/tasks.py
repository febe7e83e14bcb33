"""Taking payment for pre-orders once stock has arrived.

Card authorisations lapse after seven days and most pre-orders are placed months
ahead, so the balance is charged off-session when the book is ready to ship.
"""
import logging

import requests
import stripe
from celery import shared_task
from django.conf import settings

from catalog.models import Preorder

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY

POSTMARK_URL = "https://api.postmarkapp.com/email/withTemplate"
TRANSIENT_STRIPE_ERRORS = (stripe.error.APIConnectionError, stripe.error.RateLimitError, stripe.error.APIError)


@shared_task
def charge_ready_preorders(limit=500):
    due = Preorder.objects.filter(status="awaiting_payment").values_list("pk", flat=True)[:limit]
    for preorder_id in due:
        charge_preorder.delay(preorder_id)


@shared_task(bind=True, autoretry_for=TRANSIENT_STRIPE_ERRORS, retry_backoff=True, max_retries=6)
def charge_preorder(self, preorder_id):
    preorder = Preorder.objects.select_related("customer__profile", "book").get(pk=preorder_id)
    if preorder.status != "awaiting_payment":
        return preorder.status

    profile = preorder.customer.profile
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=preorder.amount_due_pence,
            currency="gbp",
            customer=profile.stripe_customer_id,
            payment_method=profile.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"Pre-order {preorder.pk}: {preorder.book.title}",
            metadata={"preorder": preorder.pk},
        )
    except stripe.error.CardError as exc:
        logger.warning("card declined for preorder %s: %s", preorder.pk, exc.user_message)
        send_customer_email.delay(preorder.pk, "payment-failed")
        return "declined"

    print(f"charged preorder {preorder.pk} intent={intent.id} amount={preorder.amount_due_pence}")  # expect: OBS001
    preorder.status = "paid"
    preorder.charge_id = intent.latest_charge or ""
    preorder.payment_intent_id = intent.id
    preorder.save(update_fields=["status", "charge_id", "payment_intent_id"])  # expect: DB005
    send_customer_email.delay(preorder.pk, "payment-taken")
    return "paid"


@shared_task
def send_customer_email(preorder_id, template_alias):
    preorder = Preorder.objects.select_related("customer", "book").get(pk=preorder_id)
    payload = {
        "From": settings.DEFAULT_FROM_EMAIL,
        "To": preorder.customer.email,
        "TemplateAlias": template_alias,
        "TemplateModel": {
            "name": preorder.customer.first_name,
            "title": preorder.book.title,
            "amount": f"£{preorder.amount_due_pence / 100:.2f}",
        },
    }
    try:
        resp = requests.post(
            POSTMARK_URL,
            json=payload,
            headers={"X-Postmark-Server-Token": settings.POSTMARK_SERVER_TOKEN},
            timeout=10,
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        logger.error("postmark send failed for preorder %s: %s", preorder_id, exc)  # expect: OBS002
