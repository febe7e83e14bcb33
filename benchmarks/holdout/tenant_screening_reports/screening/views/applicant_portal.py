"""Report access: landlord API (DRF) and the applicant's own FCRA copy."""
import logging

import boto3
from botocore.config import Config
from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from screening.models import Applicant, BureauReport

logger = logging.getLogger(__name__)

APPLICANT_COPY_SALT = "screening.applicant-copy"
APPLICANT_COPY_MAX_AGE = 14 * 24 * 3600
_s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3}))


def _presigned(key, seconds=300):
    return _s3.generate_presigned_url(
        "get_object", Params={"Bucket": settings.REPORT_BUCKET, "Key": key}, ExpiresIn=seconds
    )


class ReportSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField(source="order.pk", read_only=True)
    applicant_name = serializers.CharField(source="order.applicant.full_name", read_only=True)
    package = serializers.CharField(source="order.package", read_only=True)

    class Meta:
        model = BureauReport
        fields = ["id", "order_id", "applicant_name", "package", "score", "recommendation", "received_at"]


class LandlordReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        mine = BureauReport.objects.filter(order__landlord__user=self.request.user)  # ok: SEC018
        return mine.select_related("order", "order__applicant").order_by("-received_at")  # ok: DB001, DB002

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        report = self.get_object()
        logger.info("report pdf link issued report=%s user=%s", report.pk, request.user.pk)
        return Response({"url": _presigned(report.s3_key), "expires_in": 300})  # ok: SEC015


def applicant_copy_link(applicant):
    token = signing.dumps({"applicant": applicant.pk}, salt=APPLICANT_COPY_SALT)
    return f"{settings.SITE_URL}/my-report/{token}/"


def applicant_copy(request, token):
    """The applicant's own copy, reached from the e-mail link; no account needed."""
    try:
        data = signing.loads(token, salt=APPLICANT_COPY_SALT, max_age=APPLICANT_COPY_MAX_AGE)
    except signing.BadSignature:
        raise Http404("This link is invalid or has expired.")
    applicant = get_object_or_404(Applicant, pk=data["applicant"])  # ok: SEC018
    reports = (
        BureauReport.objects.filter(order__applicant=applicant)
        .select_related("order")
        .order_by("-received_at")[:10]
    )
    items = [
        {"package": r.order.package, "received_at": r.received_at, "url": _presigned(r.s3_key, 600)}
        for r in reports
    ]
    logger.info("applicant copy viewed applicant=%s reports=%d", applicant.pk, len(items))
    return render(request, "screening/applicant_copy.html", {"applicant": applicant, "reports": items})
