"""Booking a car: availability check and reservation in one locked transaction."""
from __future__ import annotations

import math
from datetime import datetime

from django.db import transaction

from .models import ACTIVE_STATUSES, Car, Reservation

MIN_DEPOSIT_CENTS = 20_000
DEPOSIT_DAYS = 2


class CarUnavailable(Exception):
    """The car is out of service or already booked for an overlapping period."""


def deposit_for(car: Car, starts_at: datetime, ends_at: datetime) -> int:
    days = max(1, math.ceil((ends_at - starts_at).total_seconds() / 86400))
    return max(MIN_DEPOSIT_CENTS, car.daily_rate_cents * min(days, DEPOSIT_DAYS))


def book_car(*, customer, car_id: int, starts_at: datetime, ends_at: datetime, payment_method_id: str) -> Reservation:
    """Reserve a car and queue the deposit hold once the reservation is committed.

    The car row is locked for the length of the transaction, so two customers
    booking the same car serialise here and the overlap check stays valid.
    """
    from .tasks import authorize_deposit_task

    with transaction.atomic():
        try:
            car = Car.objects.select_for_update().get(pk=car_id, status=Car.Status.AVAILABLE)
        except Car.DoesNotExist:
            raise CarUnavailable("car is not available") from None

        clash = Reservation.objects.filter(
            car=car, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if clash:  # ok: DB005
            raise CarUnavailable("car already booked for those dates")

        reservation = Reservation.objects.create(
            customer=customer,
            car=car,
            starts_at=starts_at,
            ends_at=ends_at,
            status=Reservation.Status.PENDING,
            deposit_cents=deposit_for(car, starts_at, ends_at),
        )
        transaction.on_commit(lambda: authorize_deposit_task.delay(reservation.id, payment_method_id))  # ok: REL004
    return reservation
