import logging

import stripe
from django.conf import settings
from django.db.models import F
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog.models import Book, Preorder

from .serializers import PreorderCancelSerializer, PreorderSerializer

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_API_KEY


class PreorderViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PreorderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = Preorder.objects.select_related("book").order_by("-created_at")
        if self.action == "list":
            return qs.filter(customer=self.request.user)
        return qs  # expect: SEC018

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        book = serializer.validated_data["book"]
        quantity = serializer.validated_data["quantity"]

        remaining = book.preorder_allocation - book.preorders_taken
        if remaining < quantity:
            return Response(
                {"detail": "Sorry, the pre-order allocation for this title has gone."},
                status=status.HTTP_409_CONFLICT,
            )

        profile = request.user.profile
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=book.price_pence * quantity,
            currency="gbp",
            customer=profile.stripe_customer_id,
            payment_method=profile.default_payment_method,
            capture_method="manual",
            confirm=True,
            off_session=True,
            metadata={"isbn": book.isbn, "customer": request.user.pk},
        )

        book.preorders_taken += quantity
        book.save(update_fields=["preorders_taken"])  # expect: DB004, DB005

        preorder = Preorder.objects.create(
            customer=request.user,
            book=book,
            quantity=quantity,
            unit_price_pence=book.price_pence,
            payment_intent_id=intent.id,
            status="authorised",
        )
        logger.info("preorder %s created for user %s isbn %s", preorder.pk, request.user.pk, book.isbn)
        out = self.get_serializer(preorder)
        return Response(out.data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        preorder = self.get_object()
        body = PreorderCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        cancellable = ("reserved", "authorised", "awaiting_payment")
        changed = Preorder.objects.filter(pk=preorder.pk, status__in=cancellable).update(status="cancelled")  # ok: DB005
        if not changed:
            return Response(
                {"detail": "This pre-order can no longer be cancelled."},
                status=status.HTTP_409_CONFLICT,
            )

        Book.objects.filter(pk=preorder.book_id).update(preorders_taken=F("preorders_taken") - preorder.quantity)  # ok: DB004
        if preorder.payment_intent_id and preorder.status == "authorised":
            # an uncancelled authorisation lapses on its own after seven days
            stripe.PaymentIntent.cancel(
                preorder.payment_intent_id,
                cancellation_reason="requested_by_customer",
            )
        preorder.refresh_from_db(fields=["status"])
        logger.info(
            "preorder %s cancelled by user %s reason=%s",
            preorder.pk, request.user.pk, body.validated_data["reason"],
        )
        return Response(self.get_serializer(preorder).data)
