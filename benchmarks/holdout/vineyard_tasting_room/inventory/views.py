"""Cellar API for tasting-room staff: browse vintages, record pours, view movements."""
import logging

from django.db import transaction
from django.db.models import F
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from .models import InventoryMovement, Vintage

log = logging.getLogger(__name__)


class VintagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class VintageSerializer(serializers.ModelSerializer):
    wine = serializers.CharField(source="wine.name")
    varietal = serializers.CharField(source="wine.varietal")
    sellable = serializers.IntegerField(read_only=True)

    class Meta:
        model = Vintage
        fields = ["id", "sku", "wine", "varietal", "year", "label", "bottles_on_hand",
                  "club_allocation", "sellable", "price_cents", "released"]


class MovementSerializer(serializers.ModelSerializer):
    staff = serializers.CharField(source="staff.get_username", default=None)

    class Meta:
        model = InventoryMovement
        fields = ["id", "delta", "reason", "reference", "staff", "created_at"]


class PourSerializer(serializers.Serializer):
    bottles = serializers.IntegerField(min_value=1, max_value=24)


class VintageViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Vintage.objects.select_related("wine").order_by("-year", "wine__name")
    serializer_class = VintageSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = VintagePagination  # ok: DB002

    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def pour(self, request, pk=None):
        ser = PourSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        bottles = ser.validated_data["bottles"]
        with transaction.atomic():
            updated = Vintage.objects.filter(pk=pk, bottles_on_hand__gte=bottles).update(bottles_on_hand=F("bottles_on_hand") - bottles)  # ok: DB004
            if not updated:
                return Response({"detail": "Not enough bottles on hand."}, status=status.HTTP_409_CONFLICT)
            InventoryMovement.objects.create(
                vintage_id=pk, delta=-bottles, reason=InventoryMovement.Reason.POUR, staff=request.user
            )
        log.info("staff %s poured %d bottles of vintage %s", request.user.pk, bottles, pk)
        return Response(self.get_serializer(self.get_object()).data)

    @action(detail=True, methods=["get"])
    def movements(self, request, pk=None):
        qs = (
            InventoryMovement.objects.filter(vintage_id=pk)
            .select_related("staff")
            .order_by("-created_at")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MovementSerializer(page, many=True).data)
