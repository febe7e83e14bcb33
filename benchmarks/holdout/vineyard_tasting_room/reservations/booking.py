"""Members-only tasting bookings made from the club portal.

Seats are counted and taken while holding the slot's row lock, so two
members booking the last seats at the same moment cannot both succeed.
"""
import logging
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .models import Reservation, TastingSlot

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SlotFull(Exception):
    pass


class AlreadyBooked(Exception):
    pass


class MemberBookingRequest(serializers.Serializer):
    slot_id = serializers.IntegerField()
    party_size = serializers.IntegerField(min_value=1, max_value=6)


def new_confirmation_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))  # ok: SEC010


def book_member_tasting(member, slot_id: int, party_size: int) -> Reservation:
    with transaction.atomic():
        slot = TastingSlot.objects.select_for_update().get(pk=slot_id, members_only=True)
        booked = (
            slot.reservations.exclude(status=Reservation.Status.CANCELLED)
            .aggregate(n=Sum("party_size"))["n"] or 0
        )
        if booked + party_size > slot.capacity:
            raise SlotFull(slot_id)
        try:
            with transaction.atomic():
                reservation = Reservation.objects.create(  # ok: DB005
                    slot=slot,
                    guest=member,
                    party_size=party_size,
                    status=Reservation.Status.CONFIRMED,
                    confirmation_code=new_confirmation_code(),
                )
        except IntegrityError as exc:
            raise AlreadyBooked(slot_id) from exc
    log.info("member %s booked %d seats in slot %s", member.pk, party_size, slot_id)
    return reservation


def cancel_member_reservation(member, reservation_id: int) -> Reservation:
    with transaction.atomic():
        reservation = get_object_or_404(
            Reservation.objects.select_for_update(), pk=reservation_id, guest=member  # ok: SEC018
        )
        if reservation.status != Reservation.Status.CANCELLED:
            reservation.status = Reservation.Status.CANCELLED
            reservation.save(update_fields=["status"])  # ok: DB004
    log.info("member %s cancelled reservation %s", member.pk, reservation_id)
    return reservation


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def member_book(request):
    membership = getattr(request.user, "club_membership", None)
    if membership is None or not membership.is_active:
        return Response({"detail": "Members-only tastings need an active club membership."},
                        status=status.HTTP_403_FORBIDDEN)
    req = MemberBookingRequest(data=request.data)
    req.is_valid(raise_exception=True)
    try:
        reservation = book_member_tasting(request.user, **req.validated_data)
    except TastingSlot.DoesNotExist:
        return Response({"detail": "No such members tasting."}, status=status.HTTP_404_NOT_FOUND)
    except SlotFull:
        return Response({"detail": "Not enough seats left for this tasting."}, status=status.HTTP_409_CONFLICT)
    except AlreadyBooked:
        return Response({"detail": "You already have a booking for this tasting."}, status=status.HTTP_409_CONFLICT)
    return Response({"id": reservation.pk, "confirmation_code": reservation.confirmation_code},
                    status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def member_cancel(request, reservation_id: int):
    cancel_member_reservation(request.user, reservation_id)
    return Response(status=status.HTTP_204_NO_CONTENT)
