"""Allocation of discretionary hours, used by the v2 scheduling endpoints.

The night row is the unit of contention: every claim or withdrawal on a night
takes its row lock first, so the sum of allocated hours is computed and acted on
while no other transaction can change it.
"""
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404

from scheduling.models import ObservingNight, Proposal, SlotRequest

logger = logging.getLogger(__name__)


class AllocationError(Exception):
    """Raised with a user-facing message when a claim cannot be honoured."""

    def __init__(self, message: str, status_code: int = 409):
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Claim:
    night_id: int
    hours: Decimal
    proposal_id: int | None = None


def _allocated_hours(night_id: int) -> Decimal:
    total = SlotRequest.objects.filter(night_id=night_id, status=SlotRequest.ALLOCATED).aggregate(
        total=Sum("hours")
    )["total"]
    return total or Decimal("0")


def claim_hours(user, claim: Claim) -> SlotRequest:
    """Allocate `claim.hours` on a night for `user`, or raise AllocationError."""
    proposal = None
    if claim.proposal_id is not None:
        proposal = Proposal.objects.filter(pk=claim.proposal_id, principal_investigator=user).first()
        if proposal is None:
            raise AllocationError("You are not the PI of that proposal.", status_code=403)

    with transaction.atomic():
        night = (
            ObservingNight.objects.select_for_update()
            .filter(pk=claim.night_id, status=ObservingNight.OPEN)
            .first()
        )
        if night is None:
            raise AllocationError("That night is not open for claims.", status_code=404)

        remaining = night.hours_available - _allocated_hours(night.pk)  # ok: DB005
        if claim.hours > remaining:
            raise AllocationError(f"Only {remaining} hours left on that night.")

        slot = SlotRequest.objects.create(
            night=night, observer=user, proposal=proposal, hours=claim.hours
        )

    logger.info("observer %s claimed %s h on night %s (slot %s)", user.pk, claim.hours, night.pk, slot.pk)
    return slot


def withdraw(user, slot_id: int) -> SlotRequest:
    """Withdraw one of the caller's own slots; other users' slots are a 404."""
    slot = get_object_or_404(SlotRequest, pk=slot_id, observer=user)
    with transaction.atomic():
        ObservingNight.objects.select_for_update().filter(pk=slot.night_id).first()
        updated = SlotRequest.objects.filter(pk=slot.pk, status=SlotRequest.ALLOCATED).update(
            status=SlotRequest.WITHDRAWN
        )
    if updated:
        logger.info("slot %s withdrawn by observer %s", slot.pk, user.pk)
    slot.refresh_from_db()
    return slot


def nights_with_capacity(telescope_code: str, start, end):
    """Open nights in [start, end] with their remaining hours, in one query."""
    return (
        ObservingNight.objects.filter(
            telescope__code=telescope_code, status=ObservingNight.OPEN, date__range=(start, end)
        )
        .annotate(
            allocated=Sum("slot_requests__hours", filter=Q(slot_requests__status=SlotRequest.ALLOCATED))
        )
        .order_by("date")[:62]
    )
