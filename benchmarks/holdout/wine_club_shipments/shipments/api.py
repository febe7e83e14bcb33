"""REST API for members to see their shipments and redirect pending ones."""
import logging

from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from club.models import Address, Shipment

logger = logging.getLogger(__name__)


class AddressSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", "label", "line1", "city", "region", "postal_code"]


class ShipmentSerializer(serializers.ModelSerializer):
    address = AddressSummarySerializer(read_only=True)
    amount_cents = serializers.SerializerMethodField()
    charge_status = serializers.SerializerMethodField()

    class Meta:
        model = Shipment
        fields = [
            "id",
            "quarter",
            "status",
            "carrier_status",
            "tracking_number",
            "delivered_at",
            "address",
            "amount_cents",
            "charge_status",
        ]

    @staticmethod
    def _charge(obj):
        return getattr(obj, "charge", None)

    def get_amount_cents(self, obj):
        charge = self._charge(obj)
        return charge.amount_cents if charge else None

    def get_charge_status(self, obj):
        charge = self._charge(obj)
        return charge.status if charge else "not_billed"


class RedirectSerializer(serializers.Serializer):
    address_id = serializers.IntegerField(min_value=1)


class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ShipmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            Shipment.objects.filter(member__user=self.request.user)  # ok: SEC018
            .select_related("address", "charge")
            .order_by("-quarter")
        )

    @action(detail=True, methods=["post"], url_path="redirect")
    def redirect_shipment(self, request, pk=None):
        shipment = self.get_object()
        body = RedirectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        address = Address.objects.filter(
            pk=body.validated_data["address_id"], member__user=request.user
        ).first()
        if address is None:
            raise ValidationError({"address_id": "Unknown address."})
        if shipment.status != Shipment.Status.PENDING:
            raise ValidationError({"detail": "This shipment has already been packed."})
        updated = Shipment.objects.filter(
            pk=shipment.pk, status=Shipment.Status.PENDING
        ).update(address=address)  # ok: DB005
        if not updated:
            raise ValidationError({"detail": "This shipment has already been packed."})
        logger.info("shipment %s redirected to address %s by user %s", shipment.pk, address.pk, request.user.pk)
        shipment.refresh_from_db()
        return Response(self.get_serializer(shipment).data)
