"""Annual plot fees: the yearly fee run, payments and waivers."""
import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum

from garden.models import HourCredit, Member, Plot, PlotFee

logger = logging.getLogger("garden.fees")

RATE_PENCE_PER_SQM = 85
WATER_CHARGE_PENCE = 1200
DISCOUNT_PENCE_PER_HOUR = 150
MAX_DISCOUNT_PENCE = 3000


def _volunteer_discount(member: Member, season: int) -> int:
    """Members earn money off next season's fee for approved volunteer hours."""
    hours = (
        HourCredit.objects.filter(  # expect: DB001
            member=member, approved_by__isnull=False, shift__starts_at__year=season - 1
        ).aggregate(total=Sum("hours"))["total"]
        or Decimal("0")
    )
    return min(int(hours * DISCOUNT_PENCE_PER_HOUR), MAX_DISCOUNT_PENCE)


def fee_for(plot: Plot, season: int) -> int:
    base = plot.size_sqm * RATE_PENCE_PER_SQM + WATER_CHARGE_PENCE
    return max(base - _volunteer_discount(plot.tenant, season), 0)


def raise_annual_fees(season: int) -> int:
    """Create this season's fee for every let plot. Run once each February."""
    plots = Plot.objects.filter(status=Plot.LET, tenant__isnull=False).select_related("tenant").order_by("pk")
    due = date(season, 3, 31)
    created = 0
    for plot in plots.iterator(chunk_size=500):
        try:
            amount = fee_for(plot, season)
            PlotFee.objects.create(plot=plot, member=plot.tenant, season=season, amount_pence=amount, due_date=due)
            Member.objects.filter(pk=plot.tenant_id).update(
                balance_due_pence=F("balance_due_pence") + amount  # ok: DB004
            )
            created += 1
        except Exception:  # expect: ERR001
            continue
    logger.info("fee run %s: %d fees raised", season, created)
    return created


def record_payment(fee_id: int, amount_pence: int, reference: str) -> PlotFee:
    """Called by the treasurer's bank-statement import and by the card-payment webhook."""
    fee = PlotFee.objects.select_related("member").get(pk=fee_id)
    if fee.status == "paid":
        logger.info("fee %s already paid (%s); ignoring %s", fee.pk, fee.paid_reference, reference)
        return fee
    fee.status = "paid"
    fee.paid_reference = reference
    fee.save(update_fields=["status", "paid_reference"])  # expect: DB005
    member = fee.member
    member.balance_due_pence = member.balance_due_pence - amount_pence
    member.save(update_fields=["balance_due_pence"])  # expect: DB004
    logger.info("fee %s paid by member %s, ref %s", fee.pk, member.pk, reference)
    return fee


def waive_fee(fee_id: int, waived_by) -> PlotFee:
    """Committee hardship waiver."""
    with transaction.atomic():
        fee = PlotFee.objects.select_for_update().get(pk=fee_id)  # ok: DB005
        if fee.status != "due":
            return fee
        fee.status = "waived"
        fee.paid_reference = f"waived by {waived_by.username}"
        fee.save(update_fields=["status", "paid_reference"])
        Member.objects.filter(pk=fee.member_id).update(balance_due_pence=F("balance_due_pence") - fee.amount_pence)
    logger.info("fee %s waived by user %s", fee_id, waived_by.pk)
    return fee
