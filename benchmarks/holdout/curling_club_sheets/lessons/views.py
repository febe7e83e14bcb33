"""Coaching lessons: members book coach slots with prepaid lesson credits."""

import logging
import random
import string
import threading
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from memberships.models import Member

from .models import GiftVoucher, LessonSlot

logger = logging.getLogger(__name__)

CANCEL_CUTOFF = timedelta(hours=24)
VOUCHER_ALPHABET = string.ascii_uppercase + string.digits


def _send_confirmation(slot_id: int) -> None:
    try:
        slot = LessonSlot.objects.select_related("coach__user", "booked_by__user").get(pk=slot_id)
        send_mail(
            subject="Your curling lesson is booked",
            message=f"See you on {slot.starts_at:%A %d %B at %H:%M} with {slot.coach.user.get_full_name()}.",
            from_email=None,
            recipient_list=[slot.booked_by.user.email],
        )
    finally:
        connections.close_all()


@login_required
def coach_schedule(request, coach_id: int):
    slots = (
        LessonSlot.objects.filter(coach_id=coach_id, starts_at__gte=timezone.now())
        .select_related("coach__user")
        .order_by("starts_at")[:60]
    )
    return render(request, "lessons/coach_schedule.html", {"slots": slots})


@login_required
@require_POST
def book_lesson(request, slot_id: int):
    member = request.user.member
    if member.lesson_credits < 1:
        messages.error(request, "You have no lesson credits left.")
        return redirect("lessons:buy_credits")

    with transaction.atomic():
        slot = get_object_or_404(LessonSlot.objects.select_for_update(), pk=slot_id)
        if slot.booked_by_id is not None or slot.starts_at <= timezone.now():
            messages.error(request, "That lesson slot is no longer available.")
            return redirect("lessons:coach_schedule", coach_id=slot.coach_id)
        slot.booked_by = member
        slot.save(update_fields=["booked_by"])
        member.lesson_credits -= 1  # expect: DB004, DB005
        member.save(update_fields=["lesson_credits"])

    threading.Thread(target=_send_confirmation, args=(slot.pk,), daemon=True).start()  # expect: CON003, REL005
    logger.info("lesson slot %s booked by member %s", slot.pk, member.pk)
    messages.success(request, "Lesson booked.")
    return redirect("lessons:mine")


@login_required
@require_POST
def cancel_lesson(request, slot_id: int):
    slot = get_object_or_404(LessonSlot, pk=slot_id)
    assert slot.booked_by_id == request.user.member.pk, "not your lesson"  # expect: SEC017
    if slot.starts_at - timezone.now() < CANCEL_CUTOFF:
        messages.error(request, "Lessons can only be cancelled 24 hours ahead.")
        return redirect("lessons:mine")
    with transaction.atomic():
        LessonSlot.objects.filter(pk=slot.pk, booked_by=request.user.member).update(booked_by=None)
        Member.objects.filter(pk=request.user.member.pk).update(lesson_credits=F("lesson_credits") + 1)
    logger.info("lesson slot %s cancelled by member %s", slot.pk, request.user.member.pk)
    messages.success(request, "Lesson cancelled; your credit is back.")
    return redirect("lessons:mine")


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def buy_gift_voucher(request):
    """Members buy a lesson voucher for a friend; the amount is charged at the desk."""
    try:
        lessons = int(request.POST.get("lessons", "1"))
    except ValueError:
        lessons = 1
    lessons = max(1, min(lessons, 10))
    code = "".join(random.choices(VOUCHER_ALPHABET, k=10))  # expect: SEC010
    voucher = GiftVoucher.objects.create(code=code, lessons=lessons, purchased_by=request.user.member)
    logger.info("gift voucher %s for %d lessons bought by member %s", voucher.pk, lessons, request.user.member.pk)
    return render(request, "lessons/voucher.html", {"voucher": voucher})
