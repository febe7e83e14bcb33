"""Counter intake: a clerk records the customer's item, its photos and the appraisal."""
import logging
import os

from django.conf import settings
from django.db import transaction
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Customer, Item, ItemPhoto, PoliceHold

logger = logging.getLogger(__name__)


class ItemIntakeSerializer(serializers.ModelSerializer):
    customer_id = serializers.PrimaryKeyRelatedField(source="customer", queryset=Customer.objects.all())

    class Meta:
        model = Item
        fields = [
            "customer_id",
            "category",
            "description",
            "brand",
            "model_number",
            "serial_number",
            "condition",
            "appraised_value",
        ]

    def validate_serial_number(self, value):
        return value.strip().upper().replace(" ", "")


class ItemSerializer(serializers.ModelSerializer):
    photos = serializers.SlugRelatedField(many=True, read_only=True, slug_field="storage_key")

    class Meta:
        model = Item
        fields = ["id", "category", "description", "brand", "serial_number", "appraised_value", "status", "photos"]


class ItemIntakeView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request):
        serializer = ItemIntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        with transaction.atomic():
            item = serializer.save(intake_by=request.user, status=Item.Status.PAWNED)
            photo_dir = os.path.join(settings.MEDIA_ROOT, "intake", str(item.pk))
            os.makedirs(photo_dir, exist_ok=True)
            for upload in request.FILES.getlist("photos"):  # expect: SEC019
                dest = os.path.join(photo_dir, upload.name)  # expect: SEC015
                with open(dest, "wb") as fh:  # expect: SCL002
                    for chunk in upload.chunks():
                        fh.write(chunk)
                ItemPhoto.objects.create(
                    item=item,
                    storage_key=os.path.relpath(dest, settings.MEDIA_ROOT),
                    content_type=upload.content_type,
                    size_bytes=upload.size,
                )

        flagged = bool(item.serial_number) and PoliceHold.objects.filter(
            item__serial_number=item.serial_number, released_at__isnull=True
        ).exclude(item=item).exists()
        if flagged:
            logger.warning("intake item %s matches a serial number under police hold", item.pk)

        logger.info("item %s taken in by user %s for customer %s", item.pk, request.user.pk, item.customer_id)
        body = ItemSerializer(item).data
        body["serial_on_hold_list"] = flagged
        return Response(body, status=status.HTTP_201_CREATED)
