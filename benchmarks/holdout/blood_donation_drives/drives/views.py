"""Public drive listings and appointment booking pages."""
import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from donors.models import Appointment, Drive, Slot
from notifications.tasks import send_booking_confirmation

log = logging.getLogger(__name__)
DONATION_INTERVAL = timedelta(days=84)


def free_places(drive: Drive) -> int:
    totals = drive.slots.aggregate(capacity=Sum("capacity"), booked=Sum("booked"))
    return (totals["capacity"] or 0) - (totals["booked"] or 0)


class UpcomingDrivesView(ListView):
    template_name = "drives/upcoming.html"
    context_object_name = "drives"
    paginate_by = 25

    def get_queryset(self):
        qs = Drive.objects.filter(published=True, date__gte=timezone.localdate()).order_by("date")
        postcode = self.request.GET.get("postcode", "").strip().upper()
        if postcode:
            qs = qs.filter(postcode__startswith=postcode[:4])
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["places"] = {d.pk: free_places(d) for d in ctx["drives"]}  # expect: DB001
        return ctx


class BookSlotView(LoginRequiredMixin, View):
    def post(self, request, slot_id):
        donor = request.user.donor
        slot = get_object_or_404(Slot.objects.select_related("drive"), pk=slot_id, drive__published=True)
        window = (slot.starts_at - DONATION_INTERVAL, slot.starts_at + DONATION_INTERVAL)
        too_close = Appointment.objects.filter(
            donor=donor, status="booked", slot__starts_at__range=window
        ).exists()
        if too_close:
            messages.error(request, "You already have a donation booked within 12 weeks of this one.")
            return redirect("drives:detail", pk=slot.drive_id)
        if slot.booked >= slot.capacity:
            messages.error(request, "Sorry, that time has just been taken.")
            return redirect("drives:detail", pk=slot.drive_id)

        appointment = Appointment.objects.create(donor=donor, slot=slot)  # expect: DB005
        slot.booked += 1
        slot.save(update_fields=["booked"])  # expect: DB004
        send_booking_confirmation.delay(appointment.pk)
        log.info("donor=%s booked slot=%s appointment=%s", donor.pk, slot.pk, appointment.pk)
        messages.success(request, f"Booked for {slot.starts_at:%A %d %B at %H:%M}.")
        return redirect("donors:appointments")


class CancelAppointmentView(LoginRequiredMixin, View):
    def post(self, request, pk):
        mine = Appointment.objects.filter(pk=pk, donor__user=request.user, status="booked")  # ok: SEC018
        slot_id = mine.values_list("slot_id", flat=True).first()
        if slot_id is None or not mine.update(status="cancelled"):  # ok: DB005
            raise Http404("No such appointment")
        Slot.objects.filter(pk=slot_id).update(booked=F("booked") - 1)  # ok: DB004
        log.info("user=%s cancelled appointment=%s", request.user.pk, pk)
        messages.success(request, "Your appointment has been cancelled.")
        return redirect("donors:appointments")
