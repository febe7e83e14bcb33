"""Customer-facing booking pages (server-rendered)."""
from __future__ import annotations

import logging

import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from .models import ACTIVE_STATUSES, Car, Deposit, Reservation
from .reservation_service import deposit_for
from .tasks import release_deposit_task

logger = logging.getLogger(__name__)


@login_required
def my_bookings(request):
    reservations = Reservation.objects.filter(customer=request.user).select_related("car").order_by("-starts_at")
    page = Paginator(reservations, 20).get_page(request.GET.get("page"))
    return render(request, "rentals/my_bookings.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def book_car_page(request, car_id: int):
    car = get_object_or_404(Car, pk=car_id, status=Car.Status.AVAILABLE)
    if request.method == "GET":
        return render(request, "rentals/book.html", {"car": car})

    starts_at = parse_datetime(request.POST.get("starts_at", ""))
    ends_at = parse_datetime(request.POST.get("ends_at", ""))
    if not starts_at or not ends_at or ends_at <= starts_at:
        messages.error(request, "Please choose a valid pickup and return time.")
        return redirect("book-car", car_id=car.id)

    overlapping = Reservation.objects.filter(
        car=car, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()
    if overlapping:  # expect: DB005
        messages.error(request, "Sorry, this car is already booked for those dates.")
        return redirect("book-car", car_id=car.id)

    amount = deposit_for(car, starts_at, ends_at)
    payment_method_id = request.POST["payment_method_id"]
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=amount,
            currency="eur",
            payment_method=payment_method_id,
            payment_method_types=["card"],
            capture_method="manual",
            confirm=True,
            metadata={"car_id": str(car.id), "user_id": str(request.user.id)},
        )
    except stripe.error.CardError as exc:  # todo-expect: ERR003
        messages.error(request, exc.user_message or "Your card was declined.")
        return redirect("book-car", car_id=car.id)

    reservation = Reservation.objects.create(
        customer=request.user,
        car=car,
        starts_at=starts_at,
        ends_at=ends_at,
        status=Reservation.Status.CONFIRMED,
        deposit_cents=amount,
    )
    Deposit.objects.create(
        reservation=reservation,
        payment_intent_id=intent.id,
        payment_method_id=payment_method_id,
        amount_cents=amount,
    )
    logger.info("reservation booked", extra={"reservation_id": reservation.id, "user_id": request.user.id})
    messages.success(request, "Your car is booked!")
    return redirect("my-bookings")


@login_required
@require_POST
def cancel_booking(request, reservation_id: int):
    with transaction.atomic():
        reservation = get_object_or_404(
            Reservation.objects.select_for_update(), pk=reservation_id, customer=request.user  # ok: SEC018
        )
        if reservation.status not in (Reservation.Status.PENDING, Reservation.Status.CONFIRMED):
            messages.error(request, "This booking can no longer be cancelled online.")
            return redirect("my-bookings")
        reservation.status = Reservation.Status.CANCELLED
        reservation.save(update_fields=["status"])
        deposit = Deposit.objects.filter(reservation=reservation).first()
        if deposit is not None:
            transaction.on_commit(lambda: release_deposit_task.delay(deposit.id))
    messages.success(request, "Your booking was cancelled and the deposit hold released.")
    return redirect("my-bookings")
