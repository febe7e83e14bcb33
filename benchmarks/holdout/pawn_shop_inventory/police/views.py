"""Police desk: serial-number search and placing holds on items."""
import logging

from django.db import IntegrityError, connection, transaction
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Item, PoliceHold

logger = logging.getLogger(__name__)

SERIAL_SEARCH_SQL = """
    SELECT i.id, i.description, i.brand, i.serial_number, i.status, i.intake_at,
           c.last_name, c.first_name, c.id_document_number
    FROM inventory_item i
    JOIN inventory_customer c ON c.id = i.customer_id
    WHERE i.serial_number = %s
    ORDER BY i.intake_at DESC
    LIMIT 50
"""
SEARCH_COLUMNS = ["id", "description", "brand", "serial_number", "status", "intake_at",
                  "last_name", "first_name", "id_number"]


class IsStoreManager(BasePermission):
    def has_permission(self, request, view):
        return request.user.groups.filter(name="managers").exists()


class SerialSearchView(APIView):
    permission_classes = [IsAuthenticated, IsStoreManager]

    def get(self, request):
        serial = request.query_params.get("serial", "").strip().upper().replace(" ", "")
        if len(serial) < 4:
            return Response({"detail": "serial must be at least 4 characters"}, status=status.HTTP_400_BAD_REQUEST)
        with connection.cursor() as cur:
            cur.execute(SERIAL_SEARCH_SQL, [serial])  # ok: SEC001
            rows = [dict(zip(SEARCH_COLUMNS, row)) for row in cur.fetchall()]
        logger.info("serial search by user %s returned %d row(s)", request.user.pk, len(rows))
        return Response({"results": rows})


class HoldSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=120)
    case_number = serializers.CharField(max_length=60)
    officer_badge = serializers.CharField(max_length=30)


class PlaceHoldView(APIView):
    permission_classes = [IsAuthenticated, IsStoreManager]

    def post(self, request, item_id):
        data = HoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = get_object_or_404(Item, pk=item_id)
        try:
            with transaction.atomic():
                hold = PoliceHold.objects.create(item=item, placed_by=request.user, **data.validated_data)  # ok: DB005
                Item.objects.filter(pk=item.pk).update(status=Item.Status.HELD)
        except IntegrityError:
            return Response({"detail": "item already has an open hold"}, status=status.HTTP_409_CONFLICT)
        logger.info("hold %s placed on item %s (case %s) by user %s", hold.pk, item.pk, hold.case_number, request.user.pk)
        return Response({"hold_id": hold.pk, "item_id": item.pk, "status": "held"}, status=status.HTTP_201_CREATED)
