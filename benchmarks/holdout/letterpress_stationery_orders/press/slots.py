"""Press-time slots: which press prints which order, and when."""

import logging
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from orders.forms import PressSlotForm
from orders.models import Order, PressSlot

logger = logging.getLogger(__name__)


class SlotUnavailable(Exception):
    pass


def available_slots(day, press: str | None = None):
    """Free slots on one day, using a range on starts_at so the index applies."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    qs = PressSlot.objects.filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1), order__isnull=True
    )
    if press:
        qs = qs.filter(press=press)
    return qs.order_by("starts_at")[:24]


def book_slot(order: Order, slot_id: int) -> PressSlot:
    """Give an order a slot. The slot row is locked while it is checked and taken."""
    try:
        with transaction.atomic():
            slot = PressSlot.objects.select_for_update().get(pk=slot_id)  # ok: DB005
            if slot.order_id is not None:
                raise SlotUnavailable("slot already taken")
            if slot.starts_at <= timezone.now():
                raise SlotUnavailable("slot is in the past")
            slot.order = order
            slot.save(update_fields=["order"])
            Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(status=Order.Status.PRINTING)
    except IntegrityError as exc:
        raise SlotUnavailable("this order already has a slot") from exc
    logger.info("press slot booked", extra={"order_ref": order.reference, "status": slot.press})
    return slot


def release_slot(order: Order) -> int:
    return PressSlot.objects.filter(order=order, starts_at__gt=timezone.now()).update(order=None)


@staff_member_required
def schedule_order(request, reference):
    order = get_object_or_404(Order, reference=reference, status=Order.Status.PAID)
    day = timezone.localdate() + timedelta(days=1)
    form = PressSlotForm(request.POST or None, available=available_slots(day))
    if request.method == "POST" and form.is_valid():
        try:
            slot = book_slot(order, form.cleaned_data["slot"].pk)
        except SlotUnavailable as exc:
            messages.error(request, f"Could not book that slot: {exc}")
        else:
            messages.success(request, f"{order.reference} is on the {slot.get_press_display()} at {slot.starts_at:%H:%M}.")
            return redirect("proof_queue")
    return render(request, "press/schedule.html", {"order": order, "form": form})


@staff_member_required
@require_POST
def unschedule_order(request, reference):
    order = get_object_or_404(Order, reference=reference)
    released = release_slot(order)
    messages.info(request, "Slot released." if released else "That order had no future slot.")
    return redirect("proof_queue")
