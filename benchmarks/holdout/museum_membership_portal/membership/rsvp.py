"""Event RSVPs with limited seats (v2): seat counts change only in SQL."""
import logging

from celery import shared_task
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from membership.models import RSVP, Event

log = logging.getLogger(__name__)


class UpcomingEventSerializer(serializers.ModelSerializer):
    rsvp_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = ["id", "title", "starts_at", "capacity", "seats_taken", "rsvp_count"]


class UpcomingEvents(ListAPIView):
    serializer_class = UpcomingEventSerializer

    def get_queryset(self):
        return (Event.objects.filter(starts_at__gte=timezone.now())
                .annotate(rsvp_count=Count("rsvps"))  # ok: DB001
                .order_by("starts_at"))


class RsvpView(APIView):
    def post(self, request, event_id):
        party_size = int(request.data.get("party_size", 1))
        if not 1 <= party_size <= 4:
            return Response({"detail": "party_size must be between 1 and 4"},
                            status=status.HTTP_400_BAD_REQUEST)
        member = request.user.member
        try:
            with transaction.atomic():
                reserved = (Event.objects
                            .filter(pk=event_id, starts_at__gte=timezone.now(),
                                    seats_taken__lte=F("capacity") - party_size)
                            .update(seats_taken=F("seats_taken") + party_size))  # ok: DB004, DB005
                if not reserved:
                    return Response({"detail": "Not enough seats left."},
                                    status=status.HTTP_409_CONFLICT)
                rsvp = RSVP.objects.create(event_id=event_id, member=member,
                                           party_size=party_size)
                transaction.on_commit(lambda: send_rsvp_confirmation.delay(rsvp.pk))  # ok: REL005
        except IntegrityError:
            return Response({"detail": "You already have an RSVP for this event."},
                            status=status.HTTP_409_CONFLICT)
        return Response({"event": event_id, "party_size": party_size},
                        status=status.HTTP_201_CREATED)

    def delete(self, request, event_id):
        with transaction.atomic():
            rsvp = (RSVP.objects.select_for_update()
                    .filter(event_id=event_id, member__user=request.user).first())
            if rsvp is None:
                return Response(status=status.HTTP_404_NOT_FOUND)
            Event.objects.filter(pk=event_id).update(seats_taken=F("seats_taken") - rsvp.party_size)
            rsvp.delete()
        log.info("rsvp for event %s cancelled by user %s", event_id, request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@shared_task(ignore_result=True)
def send_rsvp_confirmation(rsvp_id):
    rsvp = RSVP.objects.select_related("event", "member").get(pk=rsvp_id)
    send_mail(
        f"You're booked: {rsvp.event.title}",
        f"We have reserved {rsvp.party_size} seat(s) for you on "
        f"{rsvp.event.starts_at:%A %d %B at %H:%M}.",
        None,
        [rsvp.member.email],
    )
