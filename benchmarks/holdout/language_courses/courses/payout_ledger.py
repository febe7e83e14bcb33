"""Teacher earnings ledger and the payout flow that replaces run_monthly_payouts."""
import logging

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Earning, Payout, Teacher
from .payments_client import PaymentDeclined, PaymentError, PaymentsClient

logger = logging.getLogger(__name__)

MIN_PAYOUT_CENTS = 2000


def record_earning(enrolment, share):
    amount = int(enrolment.amount_paid_cents * share)
    with transaction.atomic():
        earning = Earning.objects.create(
            teacher_id=enrolment.course.teacher_id, enrolment=enrolment, amount_cents=amount
        )
        Teacher.objects.filter(pk=enrolment.course.teacher_id).update(
            balance_cents=F("balance_cents") + amount  # ok: DB004
        )
    return earning


def prepare_payout(teacher_id, period):
    with transaction.atomic():
        teacher = Teacher.objects.select_for_update().get(pk=teacher_id)  # ok: DB004
        rows = list(
            Earning.objects.select_for_update()
            .filter(teacher=teacher, paid=False, payout__isnull=True)
            .values_list("id", "amount_cents")
        )
        total = sum(amount for _, amount in rows)
        if total < MIN_PAYOUT_CENTS:
            return None
        payout, created = Payout.objects.get_or_create(  # ok: DB005
            teacher=teacher,
            period=period,
            defaults={
                "amount_cents": total,
                "status": Payout.PENDING,
                "idempotency_key": f"payout-{teacher.pk}-{period}",
            },
        )
        if created:
            Earning.objects.filter(id__in=[earning_id for earning_id, _ in rows]).update(payout=payout)
            Teacher.objects.filter(pk=teacher.pk).update(balance_cents=F("balance_cents") - total)
            transaction.on_commit(lambda: send_payout.delay(payout.pk))  # ok: REL004
    return payout


@shared_task
def schedule_monthly_payouts():
    period = timezone.now().strftime("%Y-%m")
    teacher_ids = Teacher.objects.filter(payouts_enabled=True).exclude(payout_account_id="").values_list("id", flat=True)
    for teacher_id in teacher_ids.iterator(chunk_size=500):
        prepare_payout(teacher_id, period)


@shared_task(bind=True, max_retries=6, default_retry_delay=120)
def send_payout(self, payout_id):
    payout = Payout.objects.select_related("teacher").get(pk=payout_id)
    if payout.status != Payout.PENDING:
        return payout.status
    client = PaymentsClient.from_settings()
    try:
        result = client.create_transfer(  # ok: REL003
            destination=payout.teacher.payout_account_id,
            amount_cents=payout.amount_cents,
            currency="EUR",
            idempotency_key=payout.idempotency_key,
            memo=f"Lingua payout {payout.period}",
        )
    except PaymentDeclined as exc:
        Payout.objects.filter(pk=payout.pk, status=Payout.PENDING).update(status=Payout.FAILED)
        logger.error("payout %s rejected by provider: %s", payout.pk, exc.reason)
        return Payout.FAILED
    except PaymentError as exc:
        raise self.retry(exc=exc, countdown=min(3600, 60 * 2 ** self.request.retries))

    with transaction.atomic():
        updated = Payout.objects.filter(pk=payout.pk, status=Payout.PENDING).update(
            status=Payout.SENT, provider_reference=result["id"], sent_at=timezone.now()
        )
        if updated:
            Earning.objects.filter(payout_id=payout.pk).update(paid=True)
    logger.info("payout %s sent teacher=%s amount=%s", payout.pk, payout.teacher_id, payout.amount_cents)
    return Payout.SENT
