"""Members request extra bottles from the limited quarterly allocation."""
import logging

from django.db import transaction
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from club.models import Allocation, AllocationStock, current_quarter

logger = logging.getLogger(__name__)

MAX_BOTTLES_PER_REQUEST = 12


class AllocationRequestSerializer(serializers.Serializer):
    wine_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_BOTTLES_PER_REQUEST)


class PickListPagination(PageNumberPagination):
    page_size = 200
    max_page_size = 500
    page_size_query_param = "page_size"


class AllocationRequestView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        form = AllocationRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        wine_id = form.validated_data["wine_id"]
        quantity = form.validated_data["quantity"]
        member = request.user.member
        quarter = current_quarter()

        with transaction.atomic():
            stock = AllocationStock.objects.filter(wine_id=wine_id, quarter=quarter).first()
            if stock is None:
                return Response({"detail": "This wine is not offered this quarter."}, status=status.HTTP_404_NOT_FOUND)
            if stock.remaining < quantity:
                return Response(
                    {"detail": f"Only {stock.remaining} bottle(s) left in this allocation."},
                    status=status.HTTP_409_CONFLICT,
                )
            stock.remaining -= quantity
            stock.save(update_fields=["remaining"])  # expect: DB004
            allocation = Allocation.objects.create(
                member=member, wine_id=wine_id, quarter=quarter, quantity=quantity
            )

        logger.info("member %s allocated %d x wine %s for %s", member.pk, quantity, wine_id, quarter)
        return Response(
            {"allocation_id": allocation.pk, "wine_id": wine_id, "quantity": quantity, "quarter": quarter},
            status=status.HTTP_201_CREATED,
        )


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def allocation_pick_list(request):
    """Warehouse pick list: which member gets which extra bottles this quarter."""
    assert request.user.is_staff, "pick list is staff only"  # expect: SEC017
    quarter = request.query_params.get("quarter") or current_quarter()
    allocations = Allocation.objects.filter(quarter=quarter).order_by("wine_id", "member_id")
    paginator = PickListPagination()
    page = paginator.paginate_queryset(allocations, request)

    rows = []
    for allocation in page:
        rows.append(
            {
                "member_email": allocation.member.user.email,  # expect: DB001
                "wine": allocation.wine.name,
                "quantity": allocation.quantity,
            }
        )
    return paginator.get_paginated_response({"quarter": quarter, "rows": rows})
