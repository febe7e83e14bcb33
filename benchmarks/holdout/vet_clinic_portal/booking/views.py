import logging

import requests
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from booking.forms import BookingForm
from booking.models import Appointment, Slot
from pets.models import Pet

logger = logging.getLogger(__name__)

ACTIVE_STATES = ("pending", "confirmed")


class AvailableSlotsView(LoginRequiredMixin, ListView):
    template_name = "booking/slots.html"
    context_object_name = "slots"
    paginate_by = 30

    def get_queryset(self):
        return (
            Slot.objects.filter(clinic_id=self.kwargs["clinic_id"], starts_at__gte=timezone.now())  # ok: DB002
            .exclude(appointments__status__in=ACTIVE_STATES)
            .select_related("vet", "service")
            .order_by("starts_at")
        )


class BookAppointmentView(LoginRequiredMixin, View):
    template_name = "booking/book.html"

    def get(self, request, slot_id):
        slot = get_object_or_404(Slot.objects.select_related("service", "vet"), pk=slot_id)
        form = BookingForm(owner=request.user)
        return render(request, self.template_name, {"slot": slot, "form": form})

    def post(self, request, slot_id):
        slot = get_object_or_404(Slot.objects.select_related("service", "vet"), pk=slot_id)
        form = BookingForm(request.POST, owner=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"slot": slot, "form": form})

        pet = get_object_or_404(Pet, pk=form.cleaned_data["pet_id"], owner=request.user)
        if Appointment.objects.filter(slot=slot, status__in=ACTIVE_STATES).exists():
            form.add_error(None, "Sorry, that slot was just taken. Please pick another time.")
            return render(request, self.template_name, {"slot": slot, "form": form})

        deposit = slot.service.deposit_cents
        payload = {
            "amount": deposit,
            "currency": "gbp",
            "payment_method": form.cleaned_data["payment_method_id"],
            "customer_ref": f"owner-{request.user.pk}",
            "description": f"Deposit: {slot.service.name} for {pet.name}",
        }
        try:
            resp = requests.post(f"{settings.PAYMENTS_API_URL}/v1/charges", json=payload, headers={"Authorization": f"Bearer {settings.PAYMENTS_API_KEY}"})  # expect: REL001, REL004
            resp.raise_for_status()
        except requests.RequestException:
            logger.exception("deposit charge failed for slot %s owner %s", slot.pk, request.user.pk)
            form.add_error(None, "We couldn't take the deposit. Please check your card and try again.")
            return render(request, self.template_name, {"slot": slot, "form": form})

        charge = resp.json()
        appt = Appointment.objects.create(slot=slot, pet=pet, owner=request.user, status="confirmed", deposit_cents=deposit, deposit_charge_id=charge["id"], notes=form.cleaned_data.get("notes", ""))  # expect: DB005
        logger.info("appointment %s booked for pet %s (charge %s)", appt.pk, pet.pk, charge["id"])
        return redirect("booking:detail", pk=appt.pk)


class AppointmentStatusView(LoginRequiredMixin, View):
    def get(self, request, pk):
        appt = get_object_or_404(Appointment.objects.select_related("slot"), pk=pk, owner=request.user)  # ok: SEC018
        return JsonResponse({
            "id": appt.pk,
            "status": appt.status,
            "starts_at": appt.slot.starts_at.isoformat(),
            "deposit_cents": appt.deposit_cents,
            "refund_state": appt.refund_state,
        })
