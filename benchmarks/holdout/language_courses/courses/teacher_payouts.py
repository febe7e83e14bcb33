import logging

import requests
from celery import shared_task
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated

from .models import Payout, Teacher

logger = logging.getLogger(__name__)

PAYOUT_TIMEOUT = (3.05, 20)
MIN_PAYOUT_CENTS = 2000


def unpaid_total(teacher):
    return teacher.earnings.filter(paid=False).aggregate(total=Sum("amount_cents"))["total"] or 0


@shared_task(bind=True, max_retries=5, default_retry_delay=300)
def run_monthly_payouts(self):
    period = timezone.now().strftime("%Y-%m")
    teachers = Teacher.objects.filter(payouts_enabled=True).exclude(payout_account_id="")
    sent = 0
    for teacher in teachers:
        amount = unpaid_total(teacher)  # expect: DB001
        if amount < MIN_PAYOUT_CENTS:
            continue
        try:
            resp = requests.post(  # expect: REL003
                f"{settings.PAYMENTS_API_BASE}/v1/transfers",
                json={
                    "destination": teacher.payout_account_id,
                    "amount": amount,
                    "currency": "EUR",
                    "memo": f"Lingua payout {period}",
                },
                headers={"Authorization": f"Bearer {settings.PAYMENTS_API_KEY}"},
                timeout=PAYOUT_TIMEOUT,  # ok: REL001
            )
            resp.raise_for_status()
        except requests.RequestException as exc:
            logger.warning("payout to teacher=%s failed for %s: %s", teacher.pk, period, exc)
            raise self.retry(exc=exc)

        payout = Payout.objects.create(
            teacher=teacher,
            period=period,
            amount_cents=amount,
            status=Payout.SENT,
            provider_reference=resp.json()["id"],
            sent_at=timezone.now(),
        )
        for earning in teacher.earnings.filter(paid=False):  # todo-expect: DB005
            earning.paid = True
            earning.payout = payout
            earning.save(update_fields=["paid", "payout"])  # expect: DB003
        sent += 1
    logger.info("monthly payouts %s: %s teachers paid", period, sent)
    return sent


class PayoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payout
        fields = ["id", "period", "amount_cents", "status", "sent_at"]


class MyPayoutsView(ListAPIView):
    serializer_class = PayoutSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        teacher = getattr(self.request.user, "teacher", None)
        if teacher is None:
            return Payout.objects.none()
        return Payout.objects.filter(teacher=teacher).order_by("-created_at")
