"""Overdue fine calculation and online payment of fines through Stripe."""
import logging
from datetime import date

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Fine, Member

logger = logging.getLogger(__name__)

stripe.api_key = settings.STRIPE_SECRET_KEY

DAILY_FINE_CENTS = 25
MAX_FINE_CENTS = 1000


def fine_for(loan, today: date, closed_days=frozenset()) -> int:
    """Fine in cents for an open loan, skipping days the library was closed."""
    due = loan.due_at.date()
    if today <= due:
        return 0
    days = sum(1 for n in range(1, (today - due).days + 1) if date.fromordinal(due.toordinal() + n) not in closed_days)
    return min(days * DAILY_FINE_CENTS, MAX_FINE_CENTS)


@login_required
@require_GET
def outstanding(request):
    fines = (
        Fine.objects.filter(loan__member=request.user.member, status=Fine.UNPAID)
        .select_related("loan__book")
        .order_by("created_at")[:100]
    )
    items = [{"id": f.pk, "title": f.loan.book.title, "amount_cents": f.amount_cents} for f in fines]  # ok: DB001
    return JsonResponse({"fines": items, "total_cents": sum(i["amount_cents"] for i in items)})


@login_required
@require_POST
def pay_fines(request):
    member = request.user.member
    fines = list(Fine.objects.filter(loan__member=member, status=Fine.UNPAID))
    total = sum(f.amount_cents for f in fines)
    if total == 0:
        return JsonResponse({"error": "nothing to pay"}, status=400)
    payment_method = request.POST.get("payment_method")
    if not payment_method:
        return JsonResponse({"error": "payment_method is required"}, status=400)

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=total,
            currency="usd",
            customer=member.stripe_customer_id or None,
            payment_method=payment_method,
            confirm=True,
            description=f"Library fines for card {member.card_number}",
        )
    except stripe.error.CardError as exc:
        logger.warning("card declined for member %s: %s", member.pk, exc.user_message)  # ok: OBS002
        return JsonResponse({"error": exc.user_message}, status=402)

    for fine in fines:
        fine.status = Fine.PAID
        fine.stripe_payment_intent = intent.id
        fine.save(update_fields=["status", "stripe_payment_intent"])
    member.fine_balance_cents = max(member.fine_balance_cents - total, 0)
    member.save(update_fields=["fine_balance_cents"])  # expect: DB004
    logger.info("member %s paid %d cents of fines (intent %s)", member.pk, total, intent.id)
    return JsonResponse({"paid_cents": total, "payment_intent": intent.id})


def _reopen_disputed_fines(dispute):
    """A disputed payment means the fines it covered are owed again."""
    intent_id = dispute["payment_intent"]
    member_id = Fine.objects.filter(stripe_payment_intent=intent_id).values_list("loan__member_id", flat=True).first()
    with transaction.atomic():
        reopened = Fine.objects.filter(stripe_payment_intent=intent_id, status=Fine.PAID).update(status=Fine.UNPAID)
        if reopened and member_id is not None:
            Member.objects.filter(pk=member_id).update(  # ok: DB004
                fine_balance_cents=F("fine_balance_cents") + dispute["amount"]
            )


@csrf_exempt  # ok: SEC014
@require_POST
def stripe_webhook(request):
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected Stripe webhook with an invalid signature")
        return HttpResponse(status=400)

    if event["type"] == "charge.dispute.created":
        dispute = event["data"]["object"]
        try:
            _reopen_disputed_fines(dispute)
        except Exception as exc:
            logger.error("could not reopen fines for dispute %s: %s", dispute["id"], exc)  # expect: OBS002
            return HttpResponse(status=200)  # expect: ERR002
    return HttpResponse(status=200)
