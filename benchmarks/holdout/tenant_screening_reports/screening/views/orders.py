"""Landlord API: order a screening package for an applicant (v1, used by the web app)."""
import logging
from decimal import Decimal

import requests
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from screening.clients.bureau import BureauClient
from screening.models import Applicant, ScreeningOrder

logger = logging.getLogger(__name__)

PACKAGES = {
    "basic": Decimal("19.00"),
    "standard": Decimal("34.00"),
    "premium": Decimal("49.00"),
}


class OrderRequestSerializer(serializers.Serializer):
    applicant_id = serializers.IntegerField()
    package = serializers.ChoiceField(choices=sorted(PACKAGES))


class ScreeningOrderSerializer(serializers.ModelSerializer):
    applicant_name = serializers.CharField(source="applicant.full_name", read_only=True)

    class Meta:
        model = ScreeningOrder
        fields = ["id", "applicant_id", "applicant_name", "package", "price", "status", "created_at", "completed_at"]


class ScreeningOrderListView(generics.ListAPIView):
    serializer_class = ScreeningOrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        mine = ScreeningOrder.objects.filter(landlord__user=self.request.user)
        # paginated by REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]
        return mine.select_related("applicant").order_by("-created_at")  # ok: DB001, DB002


class CreateScreeningOrderView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        serializer = OrderRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = request.user.landlord
        applicant = get_object_or_404(Applicant, pk=serializer.validated_data["applicant_id"], landlord=profile)
        if applicant.consent_signed_at is None:
            return Response({"detail": "Applicant has not signed the FCRA consent yet."}, status=status.HTTP_409_CONFLICT)

        package = serializer.validated_data["package"]
        price = PACKAGES[package]
        if profile.credit_balance < price:
            return Response({"detail": "Not enough screening credits."}, status=status.HTTP_402_PAYMENT_REQUIRED)

        body = {"package": package, "applicant": {"name": applicant.full_name, "email": applicant.email}}
        auth = (settings.BUREAU_CLIENT_ID, settings.BUREAU_CLIENT_SECRET)
        resp = requests.post(f"{settings.BUREAU_BASE_URL}/orders", json=body, auth=auth)  # expect: REL001, REL003, REL004
        resp.raise_for_status()
        bureau_order = resp.json()

        profile.credit_balance -= price
        profile.save(update_fields=["credit_balance"])  # expect: DB004, DB005
        order = ScreeningOrder.objects.create(
            landlord=profile,
            applicant=applicant,
            package=package,
            bureau="bureau_one",
            price=price,
            status=ScreeningOrder.Status.SUBMITTED,
            idempotency_key=bureau_order["id"],
            bureau_reference=bureau_order["id"],
            submitted_at=timezone.now(),
        )
        logger.info("order=%s landlord=%s package=%s submitted", order.pk, profile.pk, package)
        return Response(ScreeningOrderSerializer(order).data, status=status.HTTP_201_CREATED)


class ScreeningOrderStatusView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        order = get_object_or_404(ScreeningOrder, pk=pk, landlord__user=request.user)
        if order.status != ScreeningOrder.Status.SUBMITTED:
            return Response({"id": order.pk, "status": order.status})
        live = BureauClient.from_settings().get_status(order.bureau_reference)  # todo-expect: ERR003
        return Response({"id": order.pk, "status": order.status, "bureau_state": live.get("state")})
