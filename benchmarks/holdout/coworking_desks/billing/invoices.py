"""Monthly invoice generation from plan fees and booking usage."""
import logging
from datetime import date, datetime, time, timedelta
from functools import partial

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from workspace.models import DeskBooking, Invoice, Member, RoomBooking

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

PLAN_FEE_CENTS = {
    Member.Plan.FLEX: 9_900,
    Member.Plan.FIXED: 24_900,
    Member.Plan.OFFICE: 59_900,
}
FLEX_INCLUDED_DESK_DAYS = 8
EXTRA_DESK_DAY_CENTS = 1_500
ROOM_MINUTES_INCLUDED = 120


def _room_usage(member: Member, start: datetime, end: datetime) -> tuple[int, int]:
    minutes = 0
    cost_cents = 0
    bookings = RoomBooking.objects.filter(
        member=member, status=RoomBooking.Status.CONFIRMED, starts_at__gte=start, starts_at__lt=end
    ).select_related("room")
    for booking in bookings:
        booked = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
        minutes += booked
        cost_cents += booked * booking.room.hourly_rate_cents // 60
    return minutes, cost_cents


def _desk_days(member: Member, first: date, last: date) -> int:
    return DeskBooking.objects.filter(member=member, date__range=(first, last), cancelled_at__isnull=True).count()


def build_invoice_lines(member: Member, first: date, last: date) -> list[dict]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    lines = [{"description": f"{member.get_plan_display()} ({first:%B %Y})", "amount_cents": PLAN_FEE_CENTS[member.plan]}]

    if member.plan == Member.Plan.FLEX:
        extra_days = max(0, _desk_days(member, first, last) - FLEX_INCLUDED_DESK_DAYS)
        if extra_days:
            lines.append({"description": f"{extra_days} extra desk days", "amount_cents": extra_days * EXTRA_DESK_DAY_CENTS})

    minutes, room_cost = _room_usage(member, start, end)
    if minutes > ROOM_MINUTES_INCLUDED:
        billable = room_cost * (minutes - ROOM_MINUTES_INCLUDED) // minutes
        lines.append({"description": f"Meeting rooms ({minutes} min)", "amount_cents": billable})
    return lines


def ensure_stripe_customer(member: Member) -> str | None:
    if member.stripe_customer_id:
        return member.stripe_customer_id
    try:
        customer = stripe.Customer.create(
            email=member.user.email,
            name=member.company.name if member.company_id else member.user.get_full_name(),
            metadata={"member_id": member.pk},
            idempotency_key=f"member-{member.pk}-customer",
        )
    except Exception:  # expect: ERR001
        return None
    Member.objects.filter(pk=member.pk).update(stripe_customer_id=customer.id)
    return customer.id


def generate_monthly_invoices(first: date) -> int:
    """Create one invoice per active member for the month starting on ``first``."""
    from .tasks import charge_invoice

    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    members = (
        Member.objects.filter(is_active=True)
        .exclude(invoices__period=first)
        .select_related("user", "company")
        .order_by("pk")
    )
    created = 0
    for member in members.iterator(chunk_size=500):
        if ensure_stripe_customer(member) is None:
            continue
        lines = build_invoice_lines(member, first, last)  # expect: DB001
        try:
            with transaction.atomic():
                invoice = Invoice.objects.create(  # ok: DB005
                    member=member, period=first, amount_cents=sum(line["amount_cents"] for line in lines), lines=lines
                )
                transaction.on_commit(partial(charge_invoice.delay, invoice.pk))  # ok: REL004
        except IntegrityError:
            logger.info("invoice for member %s and %s already exists", member.pk, first)
            continue
        created += 1
    logger.info("created %d invoices for %s", created, first)
    return created
