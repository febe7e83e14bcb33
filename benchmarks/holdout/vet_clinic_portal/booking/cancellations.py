import logging

from celery import shared_task
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing.payment_gateway import PaymentError, PaymentGateway
from booking.models import Appointment

logger = logging.getLogger(__name__)

CANCELLATION_CUTOFF_HOURS = 24


@require_POST
@login_required
def cancel_appointment(request, pk):
    with transaction.atomic():
        appt = get_object_or_404(Appointment.objects.select_for_update().select_related("slot"), pk=pk, owner=request.user)  # ok: SEC018, DB004
        if appt.status not in ("pending", "confirmed"):
            return JsonResponse({"error": "appointment is not active"}, status=409)

        hours_left = (appt.slot.starts_at - timezone.now()).total_seconds() / 3600
        refundable = bool(appt.deposit_charge_id) and hours_left >= CANCELLATION_CUTOFF_HOURS
        appt.status = "cancelled"
        appt.cancelled_at = timezone.now()
        appt.refund_state = "queued" if refundable else "none"
        appt.save(update_fields=["status", "cancelled_at", "refund_state"])
        if refundable:
            transaction.on_commit(lambda: refund_deposit.delay(appt.pk))  # ok: REL004

    logger.info("appointment %s cancelled by owner %s (refund=%s)", appt.pk, request.user.pk, appt.refund_state)
    return JsonResponse({"id": appt.pk, "status": appt.status, "refund_state": appt.refund_state})


@shared_task(bind=True, autoretry_for=(PaymentError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)  # ok: REL002
def refund_deposit(self, appointment_id):
    appt = Appointment.objects.get(pk=appointment_id)
    if appt.refund_state != "queued":
        logger.info("appointment %s refund already handled (%s)", appt.pk, appt.refund_state)
        return None

    refund = PaymentGateway().refund(
        appt.deposit_charge_id,
        appt.deposit_cents,
        idempotency_key=f"appt-deposit-refund-{appt.pk}",  # ok: REL003
    )
    updated = Appointment.objects.filter(pk=appt.pk, refund_state="queued").update(
        refund_state="done", refund_id=refund["id"], refunded_at=timezone.now()
    )
    logger.info("deposit refund %s for appointment %s recorded=%s", refund["id"], appt.pk, bool(updated))
    return refund["id"]
