"""Monthly invoices: one per family per month, from attended days x daily rate."""
import calendar
import logging
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from attendance.models import AttendanceRecord

from .models import BillingAccount, Invoice, InvoiceLine, Rate

logger = logging.getLogger(__name__)

PAYMENT_TERMS = timedelta(days=15)


def period_bounds(period):
    first = period.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def daily_rates(as_of):
    """Daily rate per classroom in effect on ``as_of`` (rows ordered by effective_from)."""
    return {
        rate.classroom_id: rate.daily_rate
        for rate in Rate.objects.filter(effective_from__lte=as_of)
    }


def attended_days(account, first, last):
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return (
        AttendanceRecord.objects.filter(
            child__family_id=account.family_id, checked_in_at__gte=start, checked_in_at__lt=end
        )
        .annotate(day=TruncDate("checked_in_at"))
        .values("child_id", "child__first_name", "classroom_id")
        .annotate(days=Count("day", distinct=True))
    )


def _invoice_text(account, invoice, lines):
    body = [f"Invoice {invoice.number} for {account.family.name}", ""]
    body += [f"  {line.description}: {line.quantity} x ${line.unit_price} = ${line.amount}" for line in lines]
    body += ["", f"Total due by {invoice.due_on:%B %d}: ${invoice.total}"]
    return "\n".join(body)


def build_invoice(account_id, period, rates):
    first, last = period_bounds(period)
    account = BillingAccount.objects.select_related("family").get(pk=account_id)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                account=account, period=first, number=f"INV-{first:%Y%m}-{account.id:05d}",
                due_on=last + PAYMENT_TERMS,
            )
            lines = []
            for row in attended_days(account, first, last):
                rate = rates.get(row["classroom_id"], Decimal("0.00"))
                lines.append(InvoiceLine(
                    invoice=invoice, child_id=row["child_id"], quantity=row["days"], unit_price=rate,
                    amount=rate * row["days"], description=f"{row['child__first_name']}, {first:%B} care",
                ))
            InvoiceLine.objects.bulk_create(lines)
            invoice.total = sum((line.amount for line in lines), Decimal("0.00"))
            invoice.status = "sent"
            invoice.save(update_fields=["total", "status"])

            account.balance += invoice.total  # expect: DB004
            account.save(update_fields=["balance"])

            recipients = list(account.family.guardians.exclude(email="").values_list("email", flat=True))
            send_mail(  # expect: REL004
                subject=f"Sunnyside invoice {invoice.number}",
                message=_invoice_text(account, invoice, lines),
                from_email=settings.BILLING_FROM_EMAIL,
                recipient_list=recipients,
            )
    except IntegrityError:
        logger.info("invoice for account %s period %s already exists", account.id, first)
        return None
    logger.info("invoice %s issued to account %s for %s", invoice.number, account.id, invoice.total)
    return invoice.id


def generate_for_period(period):
    rates = daily_rates(period_bounds(period)[1])
    issued = failed = 0
    account_ids = (
        BillingAccount.objects.filter(family__children__active=True)
        .distinct()
        .values_list("id", flat=True)
    )
    for account_id in account_ids.iterator():
        try:
            if build_invoice(account_id, period, rates):
                issued += 1
        except Exception as exc:
            failed += 1
            logger.error("invoice generation failed for account %s: %s", account_id, exc)  # expect: OBS002
    return issued, failed
