"""Public workshop catalogue and the one-step booking checkout."""
import logging

import stripe
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import escape
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Booking, Workshop, WorkshopSession
from .serializers import (
    BookingCreateSerializer,
    BookingSerializer,
    SessionSerializer,
    WorkshopSerializer,
)

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY


class WorkshopViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Workshop.objects.filter(active=True).select_related("instructor").order_by("title")
    serializer_class = WorkshopSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"

    @action(detail=True, methods=["get"])
    def card(self, request, slug=None):
        """HTML snippet embedded in the studio's marketing site."""
        workshop = self.get_object()
        html = (
            f"<section class='workshop-card'>"
            f"<h3>{escape(workshop.title)}</h3>"
            f"<p class='instructor'>with {escape(workshop.instructor.display_name)}</p>"
            f"<div class='description'>{workshop.description}</div>"  # expect: SEC016
            f"</section>"
        )
        return HttpResponse(html, content_type="text/html; charset=utf-8")


class UpcomingSessionList(generics.ListAPIView):
    serializer_class = SessionSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        qs = WorkshopSession.objects.filter(
            starts_at__gte=timezone.now(), workshop__active=True
        ).select_related("workshop__instructor")
        slug = self.request.query_params.get("workshop")
        if slug:
            qs = qs.filter(workshop__slug=slug)
        return qs.order_by("starts_at")


class BookingCreateView(APIView):
    """Charge the card and book the seats in one request."""

    permission_classes = [IsAuthenticated]

    def post(self, request, session_id: int):
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        seats = data["seats"]

        session = get_object_or_404(
            WorkshopSession.objects.select_related("workshop"), pk=session_id, starts_at__gt=timezone.now()
        )
        amount = session.workshop.price_cents * seats
        try:
            intent = stripe.PaymentIntent.create(  # expect: REL004
                amount=amount,
                currency="usd",
                customer=request.user.profile.stripe_customer_id or None,
                payment_method=data["payment_method"],
                confirm=True,
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
                idempotency_key=f"booking-{request.user.pk}-{session.pk}-{data['client_token']}",
                metadata={"session_id": session.pk, "user_id": request.user.pk, "seats": seats},
            )
        except stripe.error.CardError as exc:
            return Response({"detail": exc.user_message or "Card declined."}, status=status.HTTP_402_PAYMENT_REQUIRED)

        if session.seats_left < seats:
            stripe.Refund.create(payment_intent=intent.id, idempotency_key=f"refund-{intent.id}")
            return Response({"detail": "Not enough seats left."}, status=status.HTTP_409_CONFLICT)

        session.seats_taken += seats
        session.save(update_fields=["seats_taken"])  # expect: DB004, DB005
        booking = Booking.objects.create(
            session=session,
            user=request.user,
            seats=seats,
            amount_cents=amount,
            status="confirmed",
            payment_intent_id=intent.id,
        )
        logger.info("booking %s confirmed for session %s (%d seats)", booking.pk, session.pk, seats)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)
