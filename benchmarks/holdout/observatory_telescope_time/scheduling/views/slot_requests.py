"""Observers claiming discretionary hours on open observing nights."""
import logging
from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.models import ObservingNight, Proposal, SlotRequest

logger = logging.getLogger(__name__)

MAX_HOURS_PER_REQUEST = Decimal("6.0")


class SlotRequestSerializer(serializers.ModelSerializer):
    night_date = serializers.DateField(source="night.date", read_only=True)
    telescope = serializers.CharField(source="night.telescope.code", read_only=True)

    class Meta:
        model = SlotRequest
        fields = ["id", "night", "night_date", "telescope", "proposal", "hours", "status", "created_at"]
        read_only_fields = ["status", "created_at"]

    def validate_hours(self, value):
        if value <= 0 or value > MAX_HOURS_PER_REQUEST:
            raise serializers.ValidationError(f"Hours must be between 0 and {MAX_HOURS_PER_REQUEST}.")
        return value


def hours_already_allocated(night: ObservingNight) -> Decimal:
    total = night.slot_requests.filter(status=SlotRequest.ALLOCATED).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


class MySlotRequestsView(generics.ListAPIView):
    """The caller's own requests, newest first (paginated by the global setting)."""

    serializer_class = SlotRequestSerializer

    def get_queryset(self):
        return (
            SlotRequest.objects.filter(observer=self.request.user)
            .select_related("night__telescope")
            .order_by("-created_at")
        )


class ClaimHoursView(APIView):
    def post(self, request):
        serializer = SlotRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        night = get_object_or_404(
            ObservingNight.objects.select_related("telescope"),
            pk=serializer.validated_data["night"].pk,
            status=ObservingNight.OPEN,
        )
        proposal = serializer.validated_data.get("proposal")
        if proposal is not None and proposal.principal_investigator_id != request.user.pk:
            return Response({"detail": "You are not the PI of that proposal."}, status=status.HTTP_403_FORBIDDEN)

        hours = serializer.validated_data["hours"]
        remaining = night.hours_available - hours_already_allocated(night)
        if hours > remaining:
            return Response(
                {"detail": f"Only {remaining} hours left on {night.date} at {night.telescope.code}."},
                status=status.HTTP_409_CONFLICT,
            )

        slot = SlotRequest.objects.create(  # expect: DB005
            night=night, observer=request.user, proposal=proposal, hours=hours
        )
        logger.info("observer %s claimed %s h on night %s", request.user.pk, hours, night.pk)
        return Response(SlotRequestSerializer(slot).data, status=status.HTTP_201_CREATED)


class WithdrawSlotView(APIView):
    def post(self, request, pk):
        slot = get_object_or_404(SlotRequest, pk=pk)  # expect: SEC018
        if slot.status == SlotRequest.WITHDRAWN:
            return Response(SlotRequestSerializer(slot).data)
        SlotRequest.objects.filter(pk=slot.pk).update(status=SlotRequest.WITHDRAWN)
        slot.refresh_from_db()
        logger.info("slot request %s withdrawn by user %s", slot.pk, request.user.pk)
        return Response(SlotRequestSerializer(slot).data)


class ProposalChoicesView(generics.ListAPIView):
    """Proposals the caller may attach to a claim: their own, current semester only."""

    class _Serializer(serializers.ModelSerializer):
        class Meta:
            model = Proposal
            fields = ["id", "code", "title", "semester"]

    serializer_class = _Serializer

    def get_queryset(self):
        semester = self.request.query_params.get("semester")
        qs = Proposal.objects.filter(principal_investigator=self.request.user)
        if semester:
            qs = qs.filter(semester=semester)
        return qs.order_by("-submitted_at")
