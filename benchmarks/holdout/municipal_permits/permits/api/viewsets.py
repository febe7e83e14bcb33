"""REST API for permit applications (resident app and review desk)."""
import logging
import uuid

from django.db.models import Count
from django.utils import timezone
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from permits.models import PermitApplication

logger = logging.getLogger(__name__)


class ApplicationSerializer(serializers.ModelSerializer):
    applicant_name = serializers.CharField(source="applicant.get_full_name", read_only=True)
    inspection_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PermitApplication
        fields = ["id", "reference", "kind", "status", "site_address", "parcel_id", "description",
                  "fee_cents", "submitted_at", "applicant_name", "inspection_count"]
        read_only_fields = ["reference", "status", "fee_cents", "submitted_at"]


class CanReview(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("permits.review_application")


class ApplicationViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                         mixins.ListModelMixin, viewsets.GenericViewSet):
    """Residents only ever see and act on their own applications."""

    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            PermitApplication.objects.filter(applicant=self.request.user)
            .select_related("applicant")
            .annotate(inspection_count=Count("inspections"))
            .order_by("-id")
        )

    def perform_create(self, serializer):
        serializer.save(applicant=self.request.user, reference=f"BP-{uuid.uuid4().hex[:12].upper()}")

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        updated = PermitApplication.objects.filter(
            pk=application.pk, status=PermitApplication.Status.DRAFT
        ).update(status=PermitApplication.Status.SUBMITTED, submitted_at=timezone.now())
        if not updated:
            return Response({"detail": "only drafts can be submitted"}, status=status.HTTP_409_CONFLICT)
        logger.info("application %s submitted by user %s", application.pk, request.user.pk)
        return Response({"status": PermitApplication.Status.SUBMITTED})


class ReviewQueueViewSet(viewsets.ReadOnlyModelViewSet):
    """Review desk: paginated queue across all applicants."""

    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated, CanReview]

    def get_queryset(self):
        queryset = (
            PermitApplication.objects.select_related("applicant")
            .annotate(inspection_count=Count("inspections"))
            .order_by("submitted_at", "id")
        )
        status_filter = self.request.query_params.get("status")
        if status_filter in PermitApplication.Status.values:
            queryset = queryset.filter(status=status_filter)
        parcel = self.request.query_params.get("parcel_id")
        if parcel:
            queryset = queryset.filter(parcel_id=parcel)
        return queryset
