"""Gift membership checkout: create the gift record, charge once, then email the code."""
import logging
import secrets
import string

import stripe
from django.conf import settings
from django.db import transaction
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from club.models import GiftMembership, Member
from notifications.emails import send_gift_code_email

logger = logging.getLogger(__name__)

GIFT_PRICE_CENTS = {Member.Tier.CLASSIC: 20700, Member.Tier.RESERVE: 29700, Member.Tier.COLLECTOR: 54700}
CODE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "O0I1")


class GiftPurchaseSerializer(serializers.Serializer):
    client_token = serializers.UUIDField()
    purchaser_email = serializers.EmailField()
    recipient_email = serializers.EmailField()
    tier = serializers.ChoiceField(choices=Member.Tier.choices)
    quarters = serializers.IntegerField(min_value=1, max_value=4)
    payment_method = serializers.CharField(max_length=64)


def new_gift_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))  # ok: SEC010


def _payload(gift):
    return {"id": gift.pk, "status": gift.status, "tier": gift.tier, "recipient_email": gift.recipient_email}


@api_view(["POST"])
@permission_classes([AllowAny])
def purchase_gift(request):
    form = GiftPurchaseSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    amount = GIFT_PRICE_CENTS[data["tier"]] * data["quarters"]

    gift, _ = GiftMembership.objects.get_or_create(
        client_token=data["client_token"],
        defaults={
            "purchaser_email": data["purchaser_email"],
            "recipient_email": data["recipient_email"],
            "tier": data["tier"],
            "quarters": data["quarters"],
            "code": new_gift_code(),
        },
    )
    if gift.status == "paid":
        return Response(_payload(gift))

    try:
        intent = stripe.PaymentIntent.create(
            amount=amount,
            currency="usd",
            payment_method=data["payment_method"],
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            receipt_email=data["purchaser_email"],
            metadata={"gift_id": gift.pk},
            idempotency_key=f"gift-{gift.client_token}-{data['payment_method']}",  # ok: REL003
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.CardError as exc:
        GiftMembership.objects.filter(pk=gift.pk, status="pending").update(status="declined")
        return Response({"detail": exc.user_message or "Your card was declined."}, status=402)
    except stripe.StripeError:
        logger.exception("stripe error while purchasing gift %s", gift.pk)
        return Response({"detail": "Payment provider unavailable, please try again."}, status=503)

    with transaction.atomic():
        updated = GiftMembership.objects.filter(pk=gift.pk, status__in=["pending", "declined"]).update(
            status="paid", stripe_payment_intent=intent.id
        )
        if updated:
            transaction.on_commit(lambda: send_gift_code_email.delay(gift.pk))
    gift.refresh_from_db()
    logger.info("gift %s paid (%d cents, intent %s)", gift.pk, amount, intent.id)
    return Response(_payload(gift), status=201)
