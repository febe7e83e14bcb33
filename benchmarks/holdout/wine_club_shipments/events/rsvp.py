"""RSVPs for tasting events; seat capacity is enforced by the database."""
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from club.models import RSVP, Member, TastingEvent

logger = logging.getLogger(__name__)


class RSVPSerializer(serializers.Serializer):
    guests = serializers.IntegerField(min_value=0, max_value=3, default=0)


class EventFull(Exception):
    pass


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def upcoming_events(request):
    events = list(TastingEvent.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")[:20])
    mine = set(
        RSVP.objects.filter(member__user=request.user, event_id__in=[e.pk for e in events]).values_list(
            "event_id", flat=True
        )
    )
    return Response(
        [
            {
                "id": e.pk,
                "title": e.title,
                "starts_at": e.starts_at.isoformat(),
                "seats_left": max(e.capacity - e.seats_taken, 0),
                "attending": e.pk in mine,
            }
            for e in events
        ]
    )


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def rsvp_to_event(request, event_id):
    member = get_object_or_404(Member, user=request.user, active=True)
    event = get_object_or_404(TastingEvent, pk=event_id, starts_at__gt=timezone.now())
    form = RSVPSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    seats = 1 + form.validated_data["guests"]

    try:
        with transaction.atomic():
            claimed = TastingEvent.objects.filter(
                pk=event.pk, seats_taken__lte=F("capacity") - seats
            ).update(seats_taken=F("seats_taken") + seats)  # ok: DB004
            if not claimed:
                raise EventFull()
            RSVP.objects.create(event=event, member=member, guests=seats - 1)  # ok: DB005
    except EventFull:
        return Response({"detail": "Sorry, this tasting is full."}, status=status.HTTP_409_CONFLICT)
    except IntegrityError:
        return Response({"detail": "You have already RSVPed to this tasting."}, status=status.HTTP_409_CONFLICT)

    logger.info("member %s RSVPed to event %s with %d seat(s)", member.pk, event.pk, seats)
    return Response({"event_id": event.pk, "seats": seats}, status=status.HTTP_201_CREATED)


@api_view(["DELETE"])
@permission_classes([IsAuthenticated])
def cancel_rsvp(request, event_id):
    with transaction.atomic():
        rsvp = (
            RSVP.objects.select_for_update(of=("self",))
            .filter(event_id=event_id, member__user=request.user)
            .first()
        )
        if rsvp is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        TastingEvent.objects.filter(pk=event_id).update(seats_taken=F("seats_taken") - (1 + rsvp.guests))
        rsvp.delete()
    logger.info("user %s cancelled RSVP for event %s", request.user.pk, event_id)
    return Response(status=status.HTTP_204_NO_CONTENT)
