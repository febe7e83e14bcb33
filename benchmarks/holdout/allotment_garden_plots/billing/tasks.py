"""Annual rent invoices, issued on 1 October for the coming season."""
import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from garden.models import Plot, RentInvoice

log = logging.getLogger(__name__)

WATER_STANDING_CHARGE = Decimal("12.00")
CONCESSION_RATE = Decimal("0.50")
PAYMENT_TERMS_DAYS = 30


def season_for(today):
    """Invoices issued from October onwards are for the following season."""
    return today.year + 1 if today.month >= 10 else today.year


def rent_for(plot, concession=False):
    amount = plot.size_m2 * plot.site.rent_per_m2
    if concession:
        amount *= CONCESSION_RATE
    amount += WATER_STANDING_CHARGE
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def due_date(season):
    return date(season, 1, 31)


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=120, max_retries=5)
def issue_annual_rent_invoices(self, season=None):
    """Create this season's invoice for every let plot and e-mail it to the tenant."""
    season = season or season_for(date.today())
    plots = (Plot.objects
             .filter(status=Plot.Status.LET, tenant__isnull=False)
             .select_related("site")
             .order_by("pk"))
    issued = 0
    for plot in plots.iterator(chunk_size=500):
        invoice, created = RentInvoice.objects.get_or_create(
            plot=plot,
            season=season,
            defaults={"member_id": plot.tenant_id, "amount": rent_for(plot), "due_on": due_date(season)},
        )
        tenant_user = plot.tenant.user  # expect: DB001
        body = render_to_string("billing/rent_invoice.txt", {
            "invoice": invoice,
            "plot": plot,
            "name": tenant_user.get_full_name() or tenant_user.username,
            "terms_days": PAYMENT_TERMS_DAYS,
        })
        send_mail(  # expect: REL003
            f"Allotment rent {season}: plot {plot.site.code}-{plot.number}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [tenant_user.email],
        )
        if created:
            issued += 1
    print(f"rent run {season}: {issued} new invoices (task {self.request.id})")  # expect: OBS001
    return issued


@shared_task
def mark_invoice_paid(invoice_id, reference):
    """Called by the bank-feed importer when a payment matches an invoice."""
    updated = (RentInvoice.objects
               .filter(pk=invoice_id, status__in=("issued", "overdue"))
               .update(status="paid"))
    if updated:
        log.info("invoice %s paid (bank ref %s)", invoice_id, reference)
    else:
        log.warning("payment %s matched invoice %s which is not open", reference, invoice_id)
    return bool(updated)
