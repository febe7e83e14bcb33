"""Celery jobs: monthly winter-contract billing, season renewals, expiring unpaid holds."""
import logging
from datetime import date, timedelta
from smtplib import SMTPException

import stripe
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from . import billing
from .models import BerthBooking, ContractCharge, WinterContract

log = logging.getLogger(__name__)

HOLD_MINUTES = 30


def _season_for(day):
    start = day.year if day.month >= 11 else day.year - 1
    return f"{start}/{start + 1}"


def _add_month(day):
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, 28))


@shared_task(bind=True, autoretry_for=(stripe.APIConnectionError,), retry_backoff=True, max_retries=5)
def charge_winter_contracts(self):
    today = timezone.localdate()
    due = WinterContract.objects.filter(status="active", next_charge_on__lte=today, months_remaining__gt=0)
    for contract in due.iterator(chunk_size=200):
        period = contract.next_charge_on.strftime("%Y-%m")
        outcome = billing.charge_contract_period(contract, period)
        if outcome == "failed":
            continue
        WinterContract.objects.filter(pk=contract.pk, next_charge_on=contract.next_charge_on).update(  # ok: DB004
            next_charge_on=_add_month(contract.next_charge_on), months_remaining=F("months_remaining") - 1
        )


@shared_task(bind=True, autoretry_for=(stripe.APIConnectionError, stripe.RateLimitError), retry_backoff=True, max_retries=5)
def renew_winter_contracts(self):
    """Roll every active contract on to next season and take the first month up front."""
    current = _season_for(timezone.localdate())
    next_start = date(int(current[:4]) + 1, 11, 1)
    season = _season_for(next_start)
    ending = WinterContract.objects.filter(season=current, status="active").exclude(boat__owner__is_active=False)
    for contract in ending:  # expect: DB001
        if WinterContract.objects.filter(berth_id=contract.berth_id, season=season).exists():
            continue
        berth = contract.berth
        intent = stripe.PaymentIntent.create(  # expect: REL003
            api_key=settings.STRIPE_SECRET_KEY,
            amount=berth.winter_monthly_pence,
            currency="gbp",
            customer=contract.stripe_customer_id,
            payment_method=contract.stripe_payment_method_id,
            off_session=True,
            confirm=True,
            description=f"{berth.marina.name} berth {berth.label}, winter {season}, first month",
            receipt_email=contract.boat.owner.email,
        )
        renewed = WinterContract.objects.create(  # expect: REL004
            berth=berth, boat=contract.boat, season=season, monthly_pence=berth.winter_monthly_pence,
            stripe_customer_id=contract.stripe_customer_id, stripe_payment_method_id=contract.stripe_payment_method_id,
            next_charge_on=_add_month(next_start), months_remaining=4,
        )
        ContractCharge.objects.create(
            contract=renewed, period=next_start.strftime("%Y-%m"), amount_pence=berth.winter_monthly_pence,
            payment_intent_id=intent.id, status="paid" if intent.status == "succeeded" else "processing",
        )
        send_renewal_email.delay(renewed.pk)
        log.info("contract %s renewed as %s for %s", contract.pk, renewed.pk, season)


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_renewal_email(self, contract_id):
    claimed = WinterContract.objects.filter(pk=contract_id, offer_sent_at__isnull=True).update(offer_sent_at=timezone.now())
    if not claimed:
        return
    contract = WinterContract.objects.select_related("boat__owner", "berth__marina").get(pk=contract_id)
    body = (
        f"Your winter mooring at {contract.berth.marina.name} (berth {contract.berth.label}) "
        f"has been renewed for {contract.season} at £{contract.monthly_pence / 100:.2f} a month."
    )
    try:
        send_mail("Your winter mooring is renewed", body, settings.DEFAULT_FROM_EMAIL, [contract.boat.owner.email])
    except SMTPException as exc:
        WinterContract.objects.filter(pk=contract_id).update(offer_sent_at=None)
        raise self.retry(exc=exc)


@shared_task
def expire_held_bookings():
    cutoff = timezone.now() - timedelta(minutes=HOLD_MINUTES)
    expired = BerthBooking.objects.filter(
        status=BerthBooking.HELD, created_at__lt=cutoff, payment_intent_id=""
    ).update(
        status=BerthBooking.EXPIRED
    )
    if expired:
        log.info("released %d unpaid berth holds", expired)
