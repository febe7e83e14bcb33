"""Lab results API: donors read their own results; the lab posts batches with a token."""
import csv
import io
import logging
from decimal import Decimal, InvalidOperation

import boto3
from botocore.config import Config
from django.conf import settings
from django.db import transaction
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from donors.models import Donation, LabResult

log = logging.getLogger(__name__)
s3 = boto3.client("s3", region_name=settings.AWS_REGION, config=Config(connect_timeout=5, read_timeout=10))
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class LabResultSerializer(serializers.ModelSerializer):
    donated_at = serializers.DateTimeField(source="donation.donated_at", read_only=True)

    class Meta:
        model = LabResult
        fields = ["id", "donated_at", "blood_group", "haemoglobin_g_dl", "screening_passed"]


class MyLabResults(viewsets.ReadOnlyModelViewSet):
    serializer_class = LabResultSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            LabResult.objects.select_related("donation")
            .filter(donation__donor__user=self.request.user)  # ok: SEC018
            .order_by("-donation__donated_at")
        )

    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        result = self.get_object()
        if not result.report_key:
            return Response({"detail": "report not yet available"}, status=status.HTTP_404_NOT_FOUND)
        url = s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": settings.LAB_REPORTS_BUCKET, "Key": result.report_key},
            ExpiresIn=300,
        )
        return Response({"url": url})


class IsLabService(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.groups.filter(name="lab-service").exists())


class LabBatchImport(APIView):
    authentication_classes = [TokenAuthentication]  # ok: SEC014
    permission_classes = [IsLabService]

    def post(self, request):
        upload = request.FILES.get("results")
        if upload is None or upload.size > MAX_IMPORT_BYTES:
            raise ValidationError({"results": "CSV file under 2 MB required"})
        rows = list(csv.DictReader(io.StringIO(upload.read().decode("utf-8-sig"))))
        units = {r["unit_number"].strip() for r in rows}
        donations = Donation.objects.in_bulk(units, field_name="unit_number")  # ok: DB001
        already = set(LabResult.objects.filter(donation__unit_number__in=units).values_list("donation__unit_number", flat=True))
        batch, rejected = [], []
        for r in rows:
            unit = r["unit_number"].strip()
            if unit not in donations or unit in already:
                rejected.append(unit)
                continue
            try:
                hb = Decimal(r["hb"])
            except InvalidOperation:
                rejected.append(unit)
                continue
            batch.append(LabResult(
                donation=donations[unit],
                blood_group=r["blood_group"].strip(),
                haemoglobin_g_dl=hb,
                screening_passed=r["screening"].strip().lower() == "pass",
                report_key=r.get("report_key", "").strip(),
            ))
        with transaction.atomic():
            LabResult.objects.bulk_create(batch, batch_size=500, ignore_conflicts=True)  # ok: DB003
        log.info("lab batch import: %s stored, %s rejected", len(batch), len(rejected))
        return Response({"stored": len(batch), "rejected": rejected[:50]}, status=status.HTTP_201_CREATED)
