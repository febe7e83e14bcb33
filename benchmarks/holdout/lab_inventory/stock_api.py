import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from inventory.models import Reagent, StockMovement

logger = logging.getLogger(__name__)


class ReagentSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        model = Reagent
        fields = ["id", "catalogue_number", "name", "cas_number", "unit", "quantity",
                  "reorder_level", "hazard_class", "location", "supplier_name"]
        read_only_fields = ["quantity"]


class AdjustSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    reason = serializers.ChoiceField(choices=["consumed", "received", "disposed"])


class ReagentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReagentSerializer
    permission_classes = [permissions.IsAuthenticated]  # ok: SEC018

    def get_queryset(self):
        qs = Reagent.objects.select_related("supplier").order_by("name")  # ok: DB001, DB002
        cas = self.request.query_params.get("cas")
        if cas:
            qs = qs.filter(cas_number=cas)  # ok: DB006
        return qs

    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        data = AdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amount = data.validated_data["amount"]
        reason = data.validated_data["reason"]
        delta = amount if reason == "received" else -amount

        with transaction.atomic():
            qs = Reagent.objects.filter(pk=pk)
            if delta < 0:
                qs = qs.filter(quantity__gte=amount)
            updated = qs.update(quantity=F("quantity") + delta)  # ok: DB004, DB005
            if not updated:
                if not Reagent.objects.filter(pk=pk).exists():
                    return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
                return Response({"detail": "Not enough stock."}, status=status.HTTP_409_CONFLICT)
            StockMovement.objects.create(reagent_id=pk, delta=delta, reason=reason, user=request.user)

        reagent = Reagent.objects.get(pk=pk)
        logger.info("stock adjusted", extra={"reagent_id": reagent.id, "delta": str(delta),
                                             "user_id": request.user.id})
        return Response({"id": reagent.id, "quantity": str(reagent.quantity)})
