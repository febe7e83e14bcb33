"""Lesson API used by the members' mobile app (DRF, session or token auth)."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from memberships.models import Member

from .models import LessonSlot
from .tasks import send_lesson_confirmation

logger = logging.getLogger(__name__)

CANCEL_CUTOFF = timedelta(hours=24)


class LessonSlotSerializer(serializers.ModelSerializer):
    coach_name = serializers.CharField(source="coach.user.get_full_name", read_only=True)

    class Meta:
        model = LessonSlot
        fields = ["id", "coach", "coach_name", "starts_at", "booked_by"]
        read_only_fields = fields


class IsBookedMember(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        return obj.booked_by_id == request.user.member.pk


class LessonSlotViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LessonSlotSerializer

    def get_queryset(self):
        return LessonSlot.objects.filter(booked_by=self.request.user.member).select_related("coach__user").order_by("starts_at")  # ok: SEC018

    @action(detail=False, methods=["post"], url_path=r"(?P<slot_id>\d+)/book")
    def book(self, request, slot_id=None):
        member = request.user.member
        with transaction.atomic():
            spent = Member.objects.filter(pk=member.pk, lesson_credits__gte=1).update(lesson_credits=F("lesson_credits") - 1)  # ok: DB004
            if not spent:
                raise ValidationError({"detail": "You have no lesson credits left."})
            taken = LessonSlot.objects.filter(pk=slot_id, booked_by__isnull=True, starts_at__gt=timezone.now()).update(booked_by=member)  # ok: DB005
            if not taken:
                transaction.set_rollback(True)
                return Response({"detail": "That lesson slot is no longer available."}, status=status.HTTP_409_CONFLICT)
            transaction.on_commit(lambda: send_lesson_confirmation.delay(int(slot_id)))
        logger.info("lesson slot %s booked by member %s via app", slot_id, member.pk)
        return Response({"id": int(slot_id), "status": "booked"}, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, IsBookedMember])
    def cancel(self, request, pk=None):
        slot = self.get_object()
        if slot.starts_at - timezone.now() < CANCEL_CUTOFF:
            raise ValidationError({"detail": "Lessons can only be cancelled 24 hours ahead."})
        with transaction.atomic():
            freed = LessonSlot.objects.filter(pk=slot.pk, booked_by=request.user.member).update(booked_by=None)
            if freed:
                Member.objects.filter(pk=request.user.member.pk).update(lesson_credits=F("lesson_credits") + 1)
        logger.info("lesson slot %s cancelled by member %s via app", slot.pk, request.user.member.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
