"""REST API for the mobile app, branch staff and partner integrations."""
from __future__ import annotations

import jwt
from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response

from .loyalty import POINTS_PER_RENTAL_DAY
from .models import Car, LoyaltyAccount, Reservation
from .reservation_service import CarUnavailable, book_car
from .serializers import ReservationCreateSerializer, ReservationSerializer, ReturnSerializer
from .tasks import send_return_receipt


@api_view(["GET"])
def my_reservations(request):
    qs = Reservation.objects.filter(customer=request.user).select_related("car").order_by("-starts_at")
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(ReservationSerializer(page, many=True).data)


@api_view(["GET"])
def reservation_detail(request, pk: int):
    reservation = get_object_or_404(Reservation.objects.select_related("car"), pk=pk)  # expect: SEC018
    return Response(ReservationSerializer(reservation).data)


@api_view(["POST"])
def create_reservation(request):
    serializer = ReservationCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        reservation = book_car(customer=request.user, **serializer.validated_data)
    except CarUnavailable as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([IsAdminUser])
def record_return(request, pk: int):
    serializer = ReturnSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    with transaction.atomic():
        reservation = get_object_or_404(
            Reservation.objects.select_for_update().select_related("car"), pk=pk, status=Reservation.Status.ACTIVE
        )
        reservation.status = Reservation.Status.RETURNED
        reservation.save(update_fields=["status"])
        Car.objects.filter(pk=reservation.car_id).update(
            status=Car.Status.AVAILABLE, odometer_km=serializer.validated_data["odometer_km"]
        )

    rental_days = max((reservation.ends_at - reservation.starts_at).days, 1)
    account, _ = LoyaltyAccount.objects.get_or_create(customer_id=reservation.customer_id)
    account.points += rental_days * POINTS_PER_RENTAL_DAY  # expect: DB004
    account.lifetime_points += rental_days * POINTS_PER_RENTAL_DAY
    account.save(update_fields=["points", "lifetime_points"])

    send_return_receipt.delay(reservation.id)
    return Response(ReservationSerializer(reservation).data)


@api_view(["GET"])
@permission_classes([IsAdminUser])
def branch_returns(request, branch: str):
    returned = (
        Reservation.objects.filter(car__branch=branch, status=Reservation.Status.RETURNED)
        .select_related("car")
        .order_by("-ends_at")
    )
    return Response(ReservationSerializer(returned, many=True).data)  # expect: DB002


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def partner_availability(request):
    """Corporate partners see what is free at their branch, using a token we issue them."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError:
        return Response({"detail": "invalid token"}, status=status.HTTP_401_UNAUTHORIZED)
    branch = claims.get("branch")
    if not branch or claims.get("scope") != "fleet:read":
        return Response({"detail": "token not allowed here"}, status=status.HTTP_403_FORBIDDEN)
    cars = Car.objects.filter(branch=branch, status=Car.Status.AVAILABLE).values(
        "plate", "category", "daily_rate_cents"
    )[:200]
    return Response({"branch": branch, "cars": list(cars)})
