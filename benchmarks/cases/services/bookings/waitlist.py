"""Waitlist views: customers join the waitlist for a sold-out event and get told when seats free up."""
import logging
import threading

from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Event, WaitlistEntry

logger = logging.getLogger(__name__)

NOTIFY_BATCH = 20


def notify_waitlist(event_id: int):
    event = Event.objects.get(pk=event_id)
    entries = WaitlistEntry.objects.filter(event=event, notified=False).select_related("customer").order_by("created_at")[:NOTIFY_BATCH]
    for entry in entries:
        try:
            send_mail(
                subject=f"Seats available for {event.title}",
                message=f"Good news! Seats for {event.title} are available again. Book now before they go.",
                from_email="events@acme.example",
                recipient_list=[entry.customer.email],
            )
        except Exception as exc:
            logger.error("waitlist mail to %s failed: %s", entry.customer.email, exc)  # expect: OBS002
            continue
        entry.notified = True
        entry.save(update_fields=["notified"])


@csrf_exempt  # expect: SEC014
@require_POST
@login_required
def join_waitlist(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    try:
        entry = WaitlistEntry.objects.create(event=event, customer=request.user)
    except IntegrityError:
        return JsonResponse({"error": "already_on_waitlist"}, status=409)
    position = WaitlistEntry.objects.filter(event=event, created_at__lte=entry.created_at).count()
    return JsonResponse({"position": position}, status=201)


@require_POST
@login_required
def release_seats(request, event_id):
    event = get_object_or_404(Event, pk=event_id, organizer=request.user)
    released = int(request.POST.get("seats", "0"))
    if released <= 0:
        return JsonResponse({"error": "seats must be positive"}, status=400)
    event.release_seats(released)
    threading.Thread(target=notify_waitlist, args=(event.pk,)).start()  # expect: CON003, REL005
    return JsonResponse({"released": released, "waitlist_notified": True})
