import logging

from celery import shared_task
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing.models import CreditAccount, Invoice, RefundRequest
from billing.payment_gateway import PaymentError, PaymentGateway

logger = logging.getLogger(__name__)

REFUNDABLE_STATES = ("paid", "partially_refunded")


def credit_account(owner_id, cents, reason):
    account, _ = CreditAccount.objects.get_or_create(owner_id=owner_id)
    CreditAccount.objects.filter(pk=account.pk).update(balance_cents=account.balance_cents + cents, updated_at=timezone.now())  # expect: DB004
    logger.info("credited %s cents to owner %s (%s)", cents, owner_id, reason)


@shared_task(bind=True, max_retries=4, default_retry_delay=60)
def refund_invoice(self, refund_request_id):
    rr = RefundRequest.objects.select_related("invoice").get(pk=refund_request_id)
    if rr.state == "done":
        return None
    invoice = rr.invoice

    if rr.method == "credit":
        credit_account(invoice.owner_id, rr.amount_cents, f"refund of invoice {invoice.number}")
    else:
        try:
            refund = PaymentGateway().refund(invoice.charge_id, rr.amount_cents)  # expect: REL003
        except PaymentError as exc:
            logger.warning("refund %s failed, will retry: %s", rr.pk, exc)
            raise self.retry(exc=exc)
        rr.provider_refund_id = refund["id"]

    rr.state = "done"
    rr.completed_at = timezone.now()
    rr.save(update_fields=["state", "completed_at", "provider_refund_id"])
    new_status = "refunded" if rr.amount_cents >= invoice.total_cents else "partially_refunded"
    Invoice.objects.filter(pk=invoice.pk).update(status=new_status)
    logger.info("refund request %s completed for invoice %s", rr.pk, invoice.number)
    return rr.pk


@require_POST
@login_required
def request_refund(request, number):
    invoice = get_object_or_404(Invoice, number=number, owner=request.user)
    if invoice.status not in REFUNDABLE_STATES:
        return JsonResponse({"error": "invoice is not refundable"}, status=409)
    try:
        amount = int(request.POST.get("amount_cents", invoice.total_cents))
    except ValueError:
        return JsonResponse({"error": "amount_cents must be an integer"}, status=400)
    amount = max(1, min(amount, invoice.total_cents))
    method = "credit" if request.POST.get("method") == "credit" else "card"

    rr = RefundRequest.objects.create(
        invoice=invoice,
        amount_cents=amount,
        method=method,
        state="pending",
        requested_at=timezone.now(),
    )
    try:
        refund_invoice.delay(rr.pk)
    except Exception:
        logger.exception("could not queue refund request %s", rr.pk)
    return JsonResponse({"ok": True, "refund_request": rr.pk, "state": "pending"})  # expect: ERR002
