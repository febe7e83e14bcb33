"""REST endpoints for sheet bookings and league draw entries."""

import logging
from datetime import timedelta

from django.db import IntegrityError
from django.utils import timezone
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .models import Draw, DrawEntry, SheetBooking

logger = logging.getLogger(__name__)

WITHDRAW_CUTOFF = timedelta(hours=48)


class SheetBookingSerializer(serializers.ModelSerializer):
    class Meta:
        model = SheetBooking
        fields = ["id", "sheet", "starts_at", "status", "created_at"]
        read_only_fields = ["status", "created_at"]

    def validate_starts_at(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("Bookings must be in the future.")
        if value.minute not in (0, 30):
            raise serializers.ValidationError("Sheets are booked on the hour or half hour.")
        return value


class SheetBookingViewSet(viewsets.ModelViewSet):
    serializer_class = SheetBookingSerializer

    def get_queryset(self):
        return SheetBooking.objects.select_related("sheet", "member").order_by("-starts_at")  # expect: SEC018

    def perform_create(self, serializer):
        try:
            serializer.save(member=self.request.user.member, created_by=self.request.user)
        except IntegrityError:
            raise ValidationError({"starts_at": "That sheet is already booked."})

    def perform_destroy(self, instance):
        instance.status = "cancelled"
        instance.save(update_fields=["status"])
        logger.info("sheet booking %s cancelled by user %s", instance.pk, self.request.user.pk)


class DrawEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = DrawEntry
        fields = ["id", "draw", "team", "sheet", "created_at"]
        read_only_fields = ["sheet", "created_at"]


class DrawEntryViewSet(viewsets.ModelViewSet):
    serializer_class = DrawEntrySerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return DrawEntry.objects.filter(team__members=self.request.user.member).select_related("draw", "team", "sheet")

    def perform_create(self, serializer):
        member = self.request.user.member
        draw: Draw = serializer.validated_data["draw"]
        team = serializer.validated_data["team"]
        if not team.members.filter(pk=member.pk).exists():
            raise PermissionDenied("You can only enter your own team.")
        if team.league_id != draw.league_id:
            raise ValidationError({"team": "Team is not in this draw's league."})

        taken = DrawEntry.objects.filter(draw=draw).count()
        if taken >= draw.capacity:
            raise ValidationError({"draw": "This draw is full."})
        try:
            serializer.save(entered_by=member)  # expect: DB005
        except IntegrityError:
            raise ValidationError({"team": "Team already entered in this draw."})
        logger.info("team %s entered draw %s by member %s", team.pk, draw.pk, member.pk)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = self.get_object()
        if entry.draw.starts_at - timezone.now() < WITHDRAW_CUTOFF:
            return Response({"error": "Too late to withdraw; contact the draw master."}, status=status.HTTP_200_OK)  # todo-expect: MNT001
        entry.delete()
        logger.info("draw entry %s withdrawn by member %s", pk, request.user.member.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpenDrawsView(generics.ListAPIView):
    """Draws with space left in the current member's leagues."""

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Draw
            fields = ["id", "league", "starts_at", "capacity"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return Draw.objects.filter(
            league__teams__members=self.request.user.member,
            starts_at__gte=timezone.now(),
            published=True,
        ).distinct().order_by("starts_at")
