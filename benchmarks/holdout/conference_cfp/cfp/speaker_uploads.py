import logging
import uuid

import boto3
from botocore.config import Config
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView

from cfp.models import Submission

logger = logging.getLogger(__name__)

MAX_PDF_BYTES = 10 * 1024 * 1024

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}),
)


class RevisedPdfForm(forms.Form):
    pdf = forms.FileField()

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_PDF_BYTES:  # ok: SEC019
            raise forms.ValidationError("PDF is larger than 10 MB.")
        if not upload.read(5).startswith(b"%PDF-"):
            raise forms.ValidationError("Please upload a PDF file.")
        upload.seek(0)
        return upload


class RevisedPdfUploadView(LoginRequiredMixin, FormView):
    form_class = RevisedPdfForm
    template_name = "cfp/revised_pdf.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.submission = get_object_or_404(
            Submission, pk=kwargs["pk"], speaker=request.user, status__in=["submitted", "accepted"]
        )  # ok: SEC018
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        key = f"submissions/{self.submission.pk}/{uuid.uuid4().hex}.pdf"  # ok: SEC015
        _s3.upload_fileobj(  # ok: SCL002
            form.cleaned_data["pdf"],
            settings.AWS_STORAGE_BUCKET,
            key,
            ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "AES256"},
        )
        Submission.objects.filter(pk=self.submission.pk).update(pdf_key=key, updated_at=timezone.now())
        logger.info("submission %s: revised pdf stored as %s", self.submission.pk, key)
        messages.success(self.request, "Your revised PDF was uploaded.")
        return redirect("cfp:submission-detail", pk=self.submission.pk)


def presigned_pdf_url(submission: Submission, expires_in: int = 300) -> str:
    return _s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.AWS_STORAGE_BUCKET, "Key": submission.pdf_key},
        ExpiresIn=expires_in,
    )
