"""Plot allocation: offering vacated plots to the head of the waiting list."""
import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Plot, WaitingListEntry

log = logging.getLogger(__name__)

OFFER_VALID_FOR = timedelta(days=14)


@shared_task
def send_offer_email(entry_id):
    entry = WaitingListEntry.objects.select_related("member__user", "offered_plot__site").get(pk=entry_id)
    plot = entry.offered_plot
    send_mail(
        f"A plot is available: {plot.site.name} {plot.number}",
        f"Plot {plot.number} ({plot.size_m2} m²) at {plot.site.name} is yours if you want it.\n"
        f"Accept it in your account within {OFFER_VALID_FOR.days} days.",
        settings.DEFAULT_FROM_EMAIL,
        [entry.member.user.email],
    )


def offer_plot(plot_id):
    """Offer a vacant plot to the next member in line; returns the entry or None."""
    with transaction.atomic():
        plot = Plot.objects.select_for_update().get(pk=plot_id)
        if plot.status != Plot.Status.VACANT:
            return None
        entry = (WaitingListEntry.objects.select_for_update(skip_locked=True)
                 .filter(site_id=plot.site_id, status="waiting")
                 .order_by("position", "created_at")
                 .first())
        if entry is None:
            return None
        plot.status = Plot.Status.OFFERED
        plot.offered_at = timezone.now()
        plot.save(update_fields=["status", "offered_at"])
        entry.status = "offered"
        entry.offered_plot = plot
        entry.save(update_fields=["status", "offered_plot"])
        transaction.on_commit(lambda: send_offer_email.delay(entry.pk))  # ok: REL004
    log.info("plot %s offered to member %s (entry %s)", plot.pk, entry.member_id, entry.pk)
    return entry


@login_required
@require_POST
def accept_offer(request, entry_id):
    with transaction.atomic():
        entry = (WaitingListEntry.objects.select_for_update()
                 .filter(pk=entry_id, member=request.user.member, status="offered")
                 .first())
        if entry is None:
            return JsonResponse({"error": "no open offer"}, status=404)
        plot = Plot.objects.select_for_update().get(pk=entry.offered_plot_id)
        if plot.status != Plot.Status.OFFERED:
            return JsonResponse({"error": "this offer has lapsed"}, status=409)
        plot.status = Plot.Status.LET
        plot.tenant = entry.member
        plot.save(update_fields=["status", "tenant"])
        entry.status = "accepted"
        entry.save(update_fields=["status"])
    log.info("member %s accepted plot %s", entry.member_id, plot.pk)
    return JsonResponse({"plot": plot.number, "site": plot.site_id, "status": "let"})


@shared_task
def expire_stale_offers():
    cutoff = timezone.now() - OFFER_VALID_FOR
    stale = list(Plot.objects.filter(status=Plot.Status.OFFERED, offered_at__lt=cutoff)
                 .values_list("pk", flat=True)[:200])
    for plot_id in stale:  # ok: DB001
        with transaction.atomic():
            plot = Plot.objects.select_for_update().get(pk=plot_id)
            if plot.status != Plot.Status.OFFERED or plot.offered_at >= cutoff:
                continue
            WaitingListEntry.objects.filter(offered_plot=plot, status="offered").update(status="lapsed")
            plot.status = Plot.Status.VACANT
            plot.offered_at = None
            plot.save(update_fields=["status", "offered_at"])
        offer_plot(plot_id)
    log.info("expired %s stale plot offers", len(stale))


def pick_inspection_sample(site, k=10):
    """Plots for the committee's spring walk-round, chosen at random."""
    plots = list(Plot.objects.filter(site=site, status=Plot.Status.LET).values_list("number", flat=True))
    return sorted(random.sample(plots, min(k, len(plots))))  # ok: SEC010
