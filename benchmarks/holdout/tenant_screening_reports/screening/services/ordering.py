"""Order placement for the v2 API: credits and order row in one transaction, bureau call after commit."""
import logging
from dataclasses import dataclass
from decimal import Decimal

import django_rq
from django.db import IntegrityError, transaction
from django.utils import timezone
from rq import Retry

from screening.clients.bureau import BureauClient
from screening.models import Applicant, LandlordProfile, ScreeningOrder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Package:
    code: str
    price: Decimal
    bureau: str


PACKAGES = {
    "basic": Package("basic", Decimal("19.00"), "bureau_one"),
    "standard": Package("standard", Decimal("34.00"), "bureau_one"),
    "premium": Package("premium", Decimal("49.00"), "bureau_one"),
}


class InsufficientCredits(Exception):
    pass


class ConsentMissing(Exception):
    pass


def place_order(*, landlord_id, applicant_id, package_code, idempotency_key):
    package = PACKAGES[package_code]
    try:
        with transaction.atomic():
            profile = LandlordProfile.objects.select_for_update().get(pk=landlord_id)  # ok: DB004
            existing = ScreeningOrder.objects.filter(landlord=profile, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            applicant = Applicant.objects.get(pk=applicant_id, landlord=profile)
            if applicant.consent_signed_at is None:
                raise ConsentMissing(applicant_id)
            if profile.credit_balance < package.price:
                raise InsufficientCredits(landlord_id)
            profile.credit_balance -= package.price
            profile.save(update_fields=["credit_balance"])  # ok: DB004, DB005
            order = ScreeningOrder.objects.create(
                landlord=profile,
                applicant=applicant,
                package=package.code,
                bureau=package.bureau,
                price=package.price,
                idempotency_key=idempotency_key,
            )
            transaction.on_commit(  # ok: REL004
                lambda: django_rq.enqueue(submit_order, order.pk, retry=Retry(max=5, interval=[10, 30, 120, 600, 1800]))
            )
    except IntegrityError:
        return ScreeningOrder.objects.get(landlord_id=landlord_id, idempotency_key=idempotency_key)
    logger.info("order=%s landlord=%s package=%s queued", order.pk, landlord_id, package.code)
    return order


def submit_order(order_id):
    """RQ job: sends a pending order to the bureau. Safe to run twice for the same order."""
    order = ScreeningOrder.objects.select_related("applicant").get(pk=order_id)
    if order.status != ScreeningOrder.Status.PENDING:
        return
    client = BureauClient.from_settings()
    result = client.create_order(  # ok: REL003
        idempotency_key=f"order-{order.pk}-{order.idempotency_key}",
        applicant=order.applicant,
        package=order.package,
    )
    changes = {
        "status": ScreeningOrder.Status.SUBMITTED,
        "bureau_reference": result["reference"],
        "submitted_at": timezone.now(),
    }
    pending = ScreeningOrder.objects.filter(pk=order.pk, status=ScreeningOrder.Status.PENDING)
    updated = pending.update(**changes)  # ok: DB004
    logger.info("order=%s submitted to bureau ref=%s updated=%d", order.pk, result["reference"], updated)
