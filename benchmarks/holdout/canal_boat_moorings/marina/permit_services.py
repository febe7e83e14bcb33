"""Lock passage permits: each flight of locks takes a fixed number of boats a day."""
import logging
import secrets

from django.db import transaction
from django.db.models import F

from .models import LockDay, LockPassagePermit

log = logging.getLogger(__name__)

DEFAULT_DAILY_CAPACITY = 24


class PermitError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _permit_number(lock_day):
    prefix = "".join(ch for ch in lock_day.lock_name.upper() if ch.isalpha())[:4]
    return f"{prefix}-{lock_day.date:%y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def issue_permit(*, boat, lock_name, day, user):
    """Reserve a passage for ``boat`` through ``lock_name`` on ``day``."""
    lock_day, _ = LockDay.objects.select_for_update().get_or_create(
        lock_name=lock_name, date=day, defaults={"capacity": DEFAULT_DAILY_CAPACITY}
    )
    if LockPassagePermit.objects.filter(lock_day=lock_day, boat=boat).exists():  # ok: DB005
        raise PermitError("already_booked")
    if lock_day.permits_issued >= lock_day.capacity:
        raise PermitError("lock_full")

    lock_day.permits_issued += 1
    lock_day.save(update_fields=["permits_issued"])  # ok: DB004
    permit = LockPassagePermit.objects.create(
        lock_day=lock_day, boat=boat, requested_by=user, permit_number=_permit_number(lock_day)
    )
    log.info("permit %s issued for boat %s at %s on %s", permit.permit_number, boat.pk, lock_name, day)
    return permit


@transaction.atomic
def cancel_permit(permit):
    """Give the passage back to the day's pool."""
    LockDay.objects.filter(pk=permit.lock_day_id, permits_issued__gt=0).update(
        permits_issued=F("permits_issued") - 1
    )
    log.info("permit %s cancelled", permit.permit_number)
    permit.delete()


def remaining_passages(lock_name, day):
    lock_day = LockDay.objects.filter(lock_name=lock_name, date=day).first()
    if lock_day is None:
        return DEFAULT_DAILY_CAPACITY
    return max(lock_day.capacity - lock_day.permits_issued, 0)
