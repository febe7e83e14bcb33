"""Committee views for offering vacant plots and members accepting offers."""
import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from garden.models import Plot, WaitlistEntry
from garden.tasks.member_mail import send_plot_offer

logger = logging.getLogger("garden.allocation")
OFFER_DAYS = 14


class PlotListView(LoginRequiredMixin, ListView):
    template_name = "garden/plot_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Plot.objects.filter(site_id=self.kwargs["site_id"])
            .select_related("site", "tenant__user")  # ok: DB001
            .order_by("number")
        )


class OfferNextView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "garden.change_plot"

    def post(self, request, plot_id):
        with transaction.atomic():
            plot = Plot.objects.select_for_update().get(pk=plot_id)  # ok: DB004
            if plot.status != Plot.VACANT:
                messages.error(request, f"Plot {plot.number} is already {plot.status}.")
                return redirect("garden:plot-list", site_id=plot.site_id)
            entry = (
                WaitlistEntry.objects.select_for_update(skip_locked=True)
                .filter(site_id=plot.site_id, status="waiting")
                .order_by("position")
                .first()
            )
            if entry is None:
                messages.info(request, "Nobody is waiting for a plot at this site.")
                return redirect("garden:plot-list", site_id=plot.site_id)
            plot.status = Plot.OFFERED
            plot.offered_to_id = entry.member_id
            plot.offer_expires_at = timezone.now() + timedelta(days=OFFER_DAYS)
            plot.save(update_fields=["status", "offered_to", "offer_expires_at"])  # ok: DB005
            entry.status = "offered"
            entry.save(update_fields=["status"])
            transaction.on_commit(lambda: send_plot_offer.delay(plot.pk, entry.pk))  # ok: REL004
        logger.info("user %s offered plot %s to member %s", request.user.pk, plot.pk, entry.member_id)
        messages.success(request, f"Plot {plot.number} offered to waitlist position {entry.position}.")
        return redirect("garden:plot-list", site_id=plot.site_id)


class AcceptOfferView(LoginRequiredMixin, View):
    def post(self, request, plot_id):
        member = request.user.member
        with transaction.atomic():
            try:
                plot = Plot.objects.select_for_update().get(  # ok: SEC018
                    pk=plot_id, offered_to=member, status=Plot.OFFERED
                )
            except Plot.DoesNotExist:
                raise Http404("No open offer for this plot.")
            if plot.offer_expires_at and plot.offer_expires_at < timezone.now():
                messages.error(request, "This offer has expired.")
                return redirect("garden:my-waitlists")
            plot.status = Plot.LET
            plot.tenant = member
            plot.offered_to = None
            plot.offer_expires_at = None
            plot.save(update_fields=["status", "tenant", "offered_to", "offer_expires_at"])
            WaitlistEntry.objects.filter(site_id=plot.site_id, member=member, status="offered").update(
                status="accepted"
            )
        logger.info("member %s accepted plot %s", member.pk, plot.pk)
        messages.success(request, f"Plot {plot.number} is yours. Welcome to the garden!")
        return redirect("garden:my-plots")
