import logging
import threading

from django.core.mail import send_mail
from django.db import IntegrityError
from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from membership.models import RSVP, Event

log = logging.getLogger(__name__)


class EventSerializer(serializers.ModelSerializer):
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "title", "starts_at", "capacity", "seats_left", "members_only"]

    def get_seats_left(self, event):
        return max(event.capacity - event.seats_taken, 0)


def _send_confirmation(email, event_title, starts_at, party_size):
    try:
        send_mail(
            f"You're booked: {event_title}",
            f"We have reserved {party_size} seat(s) for you on {starts_at:%A %d %B at %H:%M}.",
            None,
            [email],
        )
    except Exception:
        log.exception("rsvp confirmation email failed for %s", event_title)


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer

    def get_queryset(self):
        return Event.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(page, many=True).data
        for item, event in zip(data, page):
            item["rsvp_count"] = event.rsvps.count()  # expect: DB001
        return self.get_paginated_response(data)

    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        event = self.get_object()
        member = request.user.member
        party_size = int(request.data.get("party_size", 1))
        if not 1 <= party_size <= 4:
            return Response({"detail": "party_size must be between 1 and 4"},
                            status=status.HTTP_400_BAD_REQUEST)
        if event.seats_taken + party_size > event.capacity:
            return Response({"detail": "Not enough seats left."}, status=status.HTTP_409_CONFLICT)
        try:
            RSVP.objects.create(event=event, member=member, party_size=party_size)
        except IntegrityError:
            return Response({"detail": "You already have an RSVP for this event."},
                            status=status.HTTP_409_CONFLICT)
        event.seats_taken += party_size
        event.save(update_fields=["seats_taken"])  # expect: DB004, DB005
        threading.Thread(  # expect: CON003, REL005
            target=_send_confirmation,
            args=(member.email, event.title, event.starts_at, party_size),
            daemon=True,
        ).start()
        return Response({"event": event.pk, "party_size": party_size},
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["delete"], url_path="rsvp")
    def cancel_rsvp(self, request, pk=None):
        deleted, _ = RSVP.objects.filter(event_id=pk, member__user=request.user).delete()
        if not deleted:
            return Response(status=status.HTTP_404_NOT_FOUND)
        log.info("rsvp for event %s cancelled by user %s", pk, request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
