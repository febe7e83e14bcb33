import logging
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..models import Purchase, Recipe
from ..serializers import PurchaseSerializer

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

CENT = Decimal("0.01")


class PurchaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = PurchaseSerializer

    def get_queryset(self):
        return (
            Purchase.objects.filter(buyer=self.request.user)
            .select_related("recipe")
            .order_by("-created_at")  # ok: DB002
        )

    @action(detail=False, methods=["post"], url_path=r"buy/(?P<slug>[-\w]+)")
    def buy(self, request, slug=None):
        recipe = get_object_or_404(Recipe, slug=slug, is_premium=True, published_at__isnull=False)
        payment_method = request.data.get("payment_method")
        if not payment_method:
            return Response({"detail": "payment_method is required"}, status=status.HTTP_400_BAD_REQUEST)

        if Purchase.objects.filter(buyer=request.user, recipe=recipe, status="paid").exists():  # expect: DB005
            return Response({"detail": "You already own this recipe."}, status=status.HTTP_409_CONFLICT)

        amount_cents = int((recipe.price * 100).to_integral_value())
        try:
            intent = stripe.PaymentIntent.create(amount=amount_cents, currency="usd", payment_method=payment_method, confirm=True, automatic_payment_methods={"enabled": True, "allow_redirects": "never"}, metadata={"recipe_id": recipe.id, "buyer_id": request.user.id}, receipt_email=request.user.email or None)  # expect: REL003, REL004
        except stripe.error.CardError as exc:
            logger.warning("card declined user=%s recipe=%s code=%s", request.user.id, recipe.id, exc.code)  # ok: OBS002
            return Response({"detail": exc.user_message}, status=status.HTTP_402_PAYMENT_REQUIRED)

        if intent.status != "succeeded":
            return Response(
                {"detail": "Payment requires additional action.", "status": intent.status},
                status=status.HTTP_402_PAYMENT_REQUIRED,
            )

        creator = recipe.creator
        share = (recipe.price * creator.revenue_share).quantize(CENT, rounding=ROUND_HALF_UP)
        with transaction.atomic():
            purchase = Purchase.objects.create(
                buyer=request.user,
                recipe=recipe,
                amount=recipe.price,
                creator_share=share,
                stripe_payment_intent=intent.id,
                status="paid",
            )
            creator.pending_balance += share  # expect: DB004
            creator.lifetime_earnings += share
            creator.save(update_fields=["pending_balance", "lifetime_earnings"])

        logger.info("purchase completed")  # todo-expect: OBS003
        return Response(PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)
