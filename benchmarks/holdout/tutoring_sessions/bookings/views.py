"""Booking endpoints used by the student and tutor web apps."""
import json
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import generics, permissions, serializers

from bookings.models import CreditAccount, Subject, TutoringSession, TutorProfile
from bookings.video_rooms import create_room_for_session, delete_room_for_session

logger = logging.getLogger(__name__)

MIN_NOTICE = timedelta(hours=2)
FREE_CANCELLATION_WINDOW = timedelta(hours=24)


@login_required
@require_POST
def book_session(request):
    data = json.loads(request.body)
    tutor = get_object_or_404(TutorProfile, pk=data["tutor_id"], is_active=True)
    subject = get_object_or_404(Subject, pk=data["subject_id"])
    starts_at = parse_datetime(data.get("starts_at") or "")
    if starts_at is None or starts_at < timezone.now() + MIN_NOTICE:
        return JsonResponse({"error": "sessions must be booked at least 2 hours ahead"}, status=400)
    student = request.user.student_profile

    taken = TutoringSession.objects.filter(tutor=tutor, starts_at=starts_at, status=TutoringSession.Status.BOOKED).exists()  # expect: DB005
    if taken:
        return JsonResponse({"error": "that slot is no longer available"}, status=409)

    cost = tutor.hourly_rate_credits
    with transaction.atomic():
        account = CreditAccount.objects.get(student=student)
        if account.balance < cost:
            return JsonResponse({"error": "not enough credits"}, status=402)
        account.balance -= cost  # expect: DB004
        account.save(update_fields=["balance", "updated_at"])
        session = TutoringSession.objects.create(
            tutor=tutor, student=student, subject=subject, starts_at=starts_at, credits_charged=cost
        )
    create_room_for_session.delay(session.id)
    logger.info("session booked session_id=%s student_id=%s tutor_id=%s", session.id, student.id, tutor.id)
    return JsonResponse({"id": session.id, "starts_at": starts_at.isoformat(), "credits_left": account.balance}, status=201)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def cancel_session(request, session_id: int):
    session = get_object_or_404(TutoringSession, pk=session_id, student__user=request.user)  # ok: SEC018
    refund = session.credits_charged if session.starts_at - timezone.now() > FREE_CANCELLATION_WINDOW else 0
    with transaction.atomic():
        cancelled = TutoringSession.objects.filter(pk=session.pk, status=TutoringSession.Status.BOOKED).update(
            status=TutoringSession.Status.CANCELLED
        )
        if cancelled and refund:
            CreditAccount.objects.filter(student_id=session.student_id).update(balance=F("balance") + refund)
    if not cancelled:
        return JsonResponse({"error": "session is not booked"}, status=409)
    delete_room_for_session.delay(session.id)
    return JsonResponse({"status": "cancelled", "credits_refunded": refund})


@login_required
@require_POST
def mark_completed(request, session_id: int):
    session = get_object_or_404(TutoringSession.objects.select_related("tutor"), pk=session_id)
    assert session.tutor.user_id == request.user.id, "only the tutor can complete a session"  # expect: SEC017
    if session.status != TutoringSession.Status.BOOKED or session.starts_at > timezone.now():
        return JsonResponse({"error": "session cannot be completed yet"}, status=409)
    session.status = TutoringSession.Status.COMPLETED
    session.save(update_fields=["status"])
    return JsonResponse({"status": "completed"})


class SessionSerializer(serializers.ModelSerializer):
    tutor_name = serializers.CharField(source="tutor.user.get_full_name", read_only=True)

    class Meta:
        model = TutoringSession
        fields = ["id", "tutor", "tutor_name", "subject", "starts_at", "duration_minutes", "status", "room_url"]


class SessionDetailView(generics.RetrieveAPIView):
    serializer_class = SessionSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = TutoringSession.objects.select_related("tutor__user")  # expect: SEC018


class MySessionsView(generics.ListAPIView):
    serializer_class = SessionSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            TutoringSession.objects.filter(student__user=self.request.user)
            .select_related("tutor__user")
            .order_by("-starts_at")
        )


class TutorScheduleView(generics.ListAPIView):
    serializer_class = SessionSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        tutor = get_object_or_404(TutorProfile, user=self.request.user)
        return TutoringSession.objects.filter(tutor=tutor).select_related("tutor__user").order_by("starts_at")  # expect: DB002
