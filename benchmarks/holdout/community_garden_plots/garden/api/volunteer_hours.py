"""Volunteer work-hour credits: members log shifts, coordinators approve them."""
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from garden.api.permissions import IsActiveMember, IsSiteCoordinator
from garden.models import HourCredit, Member

logger = logging.getLogger("garden.hours")


class HourCreditSerializer(serializers.ModelSerializer):
    shift_description = serializers.CharField(source="shift.description", read_only=True)
    approved = serializers.SerializerMethodField()

    class Meta:
        model = HourCredit
        fields = ["id", "shift", "shift_description", "hours", "approved", "created_at"]
        read_only_fields = ["hours"]

    def get_approved(self, obj):
        return obj.approved_by_id is not None


class HourCreditViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = HourCreditSerializer
    permission_classes = [IsAuthenticated, IsActiveMember]

    def get_queryset(self):
        # Paginated by the REST_FRAMEWORK default; only the caller's own credits.
        return (
            HourCredit.objects.filter(member=self.request.user.member)  # ok: SEC018, DB002
            .select_related("shift")
            .order_by("-created_at")
        )

    def perform_create(self, serializer):
        shift = serializer.validated_data["shift"]
        if shift.starts_at > timezone.now():
            raise ValidationError("You can only log hours for shifts that have happened.")
        try:
            with transaction.atomic():
                serializer.save(member=self.request.user.member, hours=shift.hours)  # ok: DB005
        except IntegrityError:
            raise ValidationError("You have already logged this shift.")
        logger.info("member %s logged shift %s", self.request.user.member.pk, shift.pk)


class ApproveCreditView(APIView):
    permission_classes = [IsAuthenticated, IsSiteCoordinator]

    def post(self, request, pk):
        credit = get_object_or_404(HourCredit.objects.select_related("shift"), pk=pk)
        self.check_object_permissions(request, credit)
        with transaction.atomic():
            approved = HourCredit.objects.filter(pk=credit.pk, approved_by__isnull=True).update(
                approved_by=request.user, approved_at=timezone.now()
            )
            if not approved:
                return Response({"detail": "Already approved."}, status=status.HTTP_409_CONFLICT)
            Member.objects.filter(pk=credit.member_id).update(
                credit_hours=F("credit_hours") + credit.hours  # ok: DB004
            )
        logger.info("user %s approved credit %s (%s h) for member %s", request.user.pk, credit.pk, credit.hours, credit.member_id)
        return Response({"id": credit.pk, "approved": True})
