"""Donor API used by the mobile app (session auth via the app's web view)."""
import logging
import uuid
from datetime import date

import boto3
from botocore.config import Config
from django.conf import settings
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Donor
from .registry_client import registry_decision

log = logging.getLogger(__name__)

MAX_CONSENT_BYTES = 5 * 1024 * 1024
s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)


class DonorSerializer(serializers.ModelSerializer):
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)

    class Meta:
        model = Donor
        fields = ["id", "first_name", "last_name", "blood_group", "phone", "sms_opt_in",
                  "eligibility", "deferred_until", "donation_count", "last_donation_on"]
        read_only_fields = ["blood_group", "eligibility", "deferred_until", "donation_count", "last_donation_on"]


class MyDonorProfile(generics.RetrieveUpdateAPIView):
    serializer_class = DonorSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return generics.get_object_or_404(Donor.objects.select_related("user"), user=self.request.user)  # ok: SEC018


class EligibilityView(APIView):
    def get(self, request):
        donor = generics.get_object_or_404(Donor, user=request.user)
        outcome = registry_decision(donor.national_id, donor.pk, on=date.today())
        return Response({"registry": outcome, "local_status": donor.eligibility})


class ConsentUploadView(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = request.FILES.get("consent")
        if upload is None:
            raise ValidationError({"consent": "file is required"})
        if upload.size > MAX_CONSENT_BYTES:  # ok: SEC019
            raise ValidationError({"consent": "file must be 5 MB or smaller"})
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError({"consent": "upload the signed form as a PDF"})
        donor = generics.get_object_or_404(Donor, user=request.user)
        key = f"consent/{donor.pk}/{uuid.uuid4().hex}.pdf"
        s3.upload_fileobj(  # ok: SCL002
            upload,
            settings.CONSENT_BUCKET,
            key,
            ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "aws:kms"},
        )
        donor.consent_form_key = key
        donor.save(update_fields=["consent_form_key"])
        log.info("donor=%s consent stored", donor.pk)
        return Response({"stored": True}, status=status.HTTP_201_CREATED)


class StaffDonorLookup(generics.ListAPIView):
    serializer_class = DonorSerializer
    permission_classes = [permissions.IsAdminUser]

    def get_queryset(self):
        national_id = self.request.query_params.get("national_id", "").strip().upper()
        if not national_id:
            return Donor.objects.none()
        return Donor.objects.select_related("user").filter(national_id=national_id)  # ok: DB006, DB002
