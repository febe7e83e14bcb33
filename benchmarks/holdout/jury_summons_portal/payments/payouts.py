"""Re-issue of stipend transfers that the bank returned (closed account, bad routing number)."""
import functools
import logging
import uuid

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from summons.models import StipendPayment

logger = logging.getLogger(__name__)


class PayoutClient:
    def __init__(self, base_url, token, timeout=(3.05, 15)):
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {token}"})

    @retry(
        retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
        stop=stop_after_attempt(4),  # ok: REL002
        wait=wait_exponential(multiplier=1, max=20),
        reraise=True,
    )
    def create_transfer(self, body, idempotency_key):
        resp = self._session.post(
            f"{self._base}/v2/transfers",
            json=body,
            headers={"Idempotency-Key": idempotency_key},  # ok: REL003
            timeout=self._timeout,  # ok: REL001
        )
        resp.raise_for_status()
        return resp.json()


@functools.lru_cache(maxsize=1)
def _client():
    """One pooled session per worker process."""
    return PayoutClient(settings.PAYOUT_API_URL, settings.PAYOUT_API_TOKEN)


def request_reissue(payment_id):
    """Called from the clerk UI: flips the payment back to submitting and enqueues the transfer."""
    with transaction.atomic():
        payment = StipendPayment.objects.select_for_update().get(pk=payment_id)
        if payment.status != StipendPayment.Status.FAILED:
            return False
        payment.status = StipendPayment.Status.SUBMITTING
        payment.idempotency_key = f"stipend-{payment.pk}-{uuid.uuid4().hex[:12]}"
        payment.save(update_fields=["status", "idempotency_key"])
        transaction.on_commit(lambda: submit_reissue.delay(payment.pk))  # ok: REL004
    return True


@shared_task(acks_late=True)
def submit_reissue(payment_id):
    payment = StipendPayment.objects.select_related("summons__juror").get(pk=payment_id)
    if payment.status != StipendPayment.Status.SUBMITTING:
        logger.info("reissue skipped payment=%s status=%s", payment.pk, payment.status)
        return None

    juror = payment.summons.juror
    body = {
        "amount": payment.amount_cents,
        "currency": "USD",
        "recipient": {"name": f"{juror.first_name} {juror.last_name}", "email": juror.email},
        "memo": f"Jury service week of {payment.week_start:%b %d, %Y} (reissue)",
    }
    try:
        transfer = _client().create_transfer(body, payment.idempotency_key)
    except requests.HTTPError as exc:
        if exc.response is not None and 400 <= exc.response.status_code < 500:
            logger.warning(
                "reissue rejected payment=%s status=%s", payment.pk, exc.response.status_code
            )
            StipendPayment.objects.filter(pk=payment.pk).update(status=StipendPayment.Status.FAILED)
            return None
        raise
    except requests.RequestException:
        # Outcome unknown: leave SUBMITTING so reconciliation can query by idempotency key.
        logger.exception("reissue outcome unknown payment=%s key=%s", payment.pk, payment.idempotency_key)
        raise

    # A crash between the transfer and this update leaves the row in SUBMITTING;
    # the nightly reconciliation job looks those up by idempotency key.
    StipendPayment.objects.filter(pk=payment.pk, status=StipendPayment.Status.SUBMITTING).update(
        status=StipendPayment.Status.PAID, provider_ref=transfer["id"], paid_at=timezone.now()
    )
    logger.info("reissue paid payment=%s ref=%s", payment.pk, transfer["id"])
    return transfer["id"]
