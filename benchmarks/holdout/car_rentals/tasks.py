"""Celery tasks: deposit holds, damage charges, receipts, maintenance schedule."""
from __future__ import annotations

import logging

import stripe
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from . import payments
from .models import Car, DamageCharge, Deposit, MaintenanceTask, Reservation

logger = logging.getLogger(__name__)

SERVICE_INTERVAL_KM = 15_000
STRIPE_TRANSIENT = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


@shared_task(bind=True, autoretry_for=STRIPE_TRANSIENT, retry_backoff=True, max_retries=5)
def authorize_deposit_task(self, reservation_id: int, payment_method_id: str) -> None:
    reservation = Reservation.objects.get(pk=reservation_id)
    try:
        intent = payments.authorize_deposit(reservation, payment_method_id)
    except stripe.error.CardError as exc:
        Reservation.objects.filter(pk=reservation_id).update(status=Reservation.Status.CANCELLED)
        logger.warning("deposit hold declined", extra={"reservation_id": reservation_id, "code": exc.code})  # ok: OBS002
        return
    with transaction.atomic():
        Deposit.objects.update_or_create(
            reservation=reservation,
            defaults={
                "payment_intent_id": intent.id,
                "payment_method_id": payment_method_id,
                "amount_cents": reservation.deposit_cents,
                "status": "authorized",
            },
        )
        Reservation.objects.filter(pk=reservation_id, status=Reservation.Status.PENDING).update(
            status=Reservation.Status.CONFIRMED
        )


@shared_task(bind=True, autoretry_for=STRIPE_TRANSIENT, retry_backoff=True, max_retries=5)
def charge_damage(self, damage_charge_id: int) -> None:
    charge = DamageCharge.objects.select_related("reservation__deposit").get(pk=damage_charge_id)
    if charge.status == "charged":
        return
    deposit = charge.reservation.deposit
    intent = stripe.PaymentIntent.create(  # expect: REL003
        amount=charge.amount_cents,
        currency=settings.DEPOSIT_CURRENCY,
        customer=deposit.stripe_customer_id or None,
        payment_method=deposit.payment_method_id,
        off_session=True,
        confirm=True,
        description=f"Damage charge: {charge.description}",
        metadata={"damage_charge_id": str(charge.id)},
    )
    charge.payment_intent_id = intent.id
    charge.status = "charged"
    charge.save(update_fields=["payment_intent_id", "status"])


@shared_task(bind=True, max_retries=None)  # expect: REL002
def send_return_receipt(self, reservation_id: int) -> None:
    reservation = Reservation.objects.select_related("customer", "car").get(pk=reservation_id)
    body = (
        f"Thanks for driving with us!\n\n"
        f"{reservation.car.make} {reservation.car.model} ({reservation.car.plate}) was returned "
        f"on {timezone.localtime(reservation.ends_at):%d %b %Y %H:%M}.\n"
        "Your deposit hold will be released within 5 working days."
    )
    try:
        send_mail("Your rental receipt", body, None, [reservation.customer.email])
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30)


@shared_task
def release_deposit_task(deposit_id: int) -> None:
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.status == "released":
        return
    payments.release_deposit(deposit)
    Deposit.objects.filter(pk=deposit_id).update(status="released")


@shared_task
def schedule_maintenance() -> int:
    """Nightly: open a service task for every car past its service interval."""
    today = timezone.localdate()
    created = 0
    for car in Car.objects.exclude(status=Car.Status.RETIRED).iterator():
        last_service = (
            car.maintenance_tasks.filter(kind="service", completed_at__isnull=False)  # expect: DB001
            .order_by("-completed_at")
            .first()
        )
        baseline = last_service.odometer_at_completion if last_service and last_service.odometer_at_completion else 0
        due_km = baseline + SERVICE_INTERVAL_KM
        if car.odometer_km < due_km:
            continue
        if car.maintenance_tasks.filter(kind="service", completed_at__isnull=True).exists():
            continue
        MaintenanceTask.objects.create(car=car, kind="service", due_km=due_km, due_date=today)
        created += 1
    logger.info("maintenance schedule run", extra={"created": created})
    return created
