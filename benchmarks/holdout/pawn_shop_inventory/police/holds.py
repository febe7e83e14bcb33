"""Daily upload of intake transactions to the police pawn-reporting service.

State law requires every item taken in to be reported within 24 hours with the
customer's ID details and the item's serial number.
"""
import logging
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from inventory.models import Item

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def _record_for(item: Item) -> dict:
    customer = item.customer
    return {
        "transaction_id": f"{settings.STORE_LICENSE_NUMBER}-{item.pk}",
        "transaction_type": "pawn",
        "occurred_at": item.intake_at.isoformat(),
        "item": {
            "category": item.category,
            "description": item.description,
            "brand": item.brand,
            "model": item.model_number,
            "serial_number": item.serial_number,
            "photo_count": len(item.photos.all()),
        },
        "customer": {
            "last_name": customer.last_name,
            "first_name": customer.first_name,
            "dob": customer.date_of_birth.isoformat(),
            "id_type": customer.id_document_type,
            "id_number": customer.id_document_number,
        },
    }


def _post_batch(records: list[dict]) -> None:
    headers = {
        "X-Api-Key": settings.POLICE_API_KEY,
        "X-Store-License": settings.STORE_LICENSE_NUMBER,
        "Content-Type": "application/json",
    }
    logger.info("posting %d transactions to %s headers=%s", len(records), settings.POLICE_API_URL, headers)  # expect: SEC007
    resp = requests.post(
        settings.POLICE_API_URL,
        json={"store_license": settings.STORE_LICENSE_NUMBER, "transactions": records},
        headers=headers,
        timeout=30,
        verify=False,  # expect: SEC011
    )
    resp.raise_for_status()


@shared_task(bind=True, max_retries=4, default_retry_delay=900)
def upload_daily_report(self):
    since = timezone.now() - timedelta(days=2)
    pending = (
        Item.objects.filter(intake_at__gte=since, police_reported_at__isnull=True)
        .select_related("customer")
        .prefetch_related("photos")
        .order_by("pk")
    )
    items = list(pending[: BATCH_SIZE * 10])
    reported = 0
    for start in range(0, len(items), BATCH_SIZE):
        chunk = items[start:start + BATCH_SIZE]
        try:
            _post_batch([_record_for(item) for item in chunk])  # ok: DB001
        except requests.RequestException as exc:
            logger.warning("police upload failed after %d item(s); will retry", reported, exc_info=True)
            raise self.retry(exc=exc)
        Item.objects.filter(pk__in=[item.pk for item in chunk]).update(police_reported_at=timezone.now())
        reported += len(chunk)
    logger.info("reported %d intake transaction(s) to the police service", reported)
    return reported
