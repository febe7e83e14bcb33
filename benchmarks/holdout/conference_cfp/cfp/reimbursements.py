import logging
import uuid

import boto3
from botocore.config import Config
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import CreateView

from cfp.models import TravelBudget, TravelClaim
from cfp.tasks import pay_travel_claim

logger = logging.getLogger(__name__)

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
RECEIPT_TYPES = {"application/pdf", "image/jpeg", "image/png"}

_s3 = boto3.client("s3", region_name=settings.AWS_REGION, config=Config(connect_timeout=5, read_timeout=30))


class ClaimForm(forms.ModelForm):
    receipt = forms.FileField()

    class Meta:
        model = TravelClaim
        fields = ["conference", "amount_cents", "currency", "payout_account"]

    def clean_receipt(self):
        receipt = self.cleaned_data["receipt"]
        if receipt.size > MAX_RECEIPT_BYTES or receipt.content_type not in RECEIPT_TYPES:
            raise forms.ValidationError("Receipts must be a PDF, JPEG or PNG under 5 MB.")
        return receipt


class SubmitClaimView(LoginRequiredMixin, CreateView):
    form_class = ClaimForm
    template_name = "cfp/claim_form.html"
    success_url = reverse_lazy("cfp:my-claims")

    def form_valid(self, form):
        receipt = form.cleaned_data["receipt"]
        key = f"receipts/{self.request.user.pk}/{uuid.uuid4().hex}"
        _s3.upload_fileobj(receipt, settings.AWS_STORAGE_BUCKET, key, ExtraArgs={"ContentType": receipt.content_type})
        form.instance.speaker = self.request.user
        form.instance.receipt_key = key
        return super().form_valid(form)


@method_decorator(csrf_exempt, name="dispatch")  # expect: SEC014
class ApproveClaimView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if not request.user.has_perm("cfp.change_travelclaim"):
            return HttpResponseForbidden()
        claim = get_object_or_404(TravelClaim, pk=pk, status="submitted")
        budget = TravelBudget.objects.get(conference_id=claim.conference_id)
        if budget.remaining_cents < claim.amount_cents:
            return JsonResponse({"error": "travel budget exhausted"}, status=409)

        budget.remaining_cents -= claim.amount_cents
        budget.save(update_fields=["remaining_cents"])  # expect: DB004
        claim.status = "approved"
        claim.approved_by = request.user
        claim.save(update_fields=["status", "approved_by"])

        pay_travel_claim.delay(claim.pk)
        logger.info("claim %s approved by %s", claim.pk, request.user.pk)
        return HttpResponse("approved")  # todo-expect: MNT001


class ClaimsExportView(LoginRequiredMixin, View):
    def get(self, request):
        if not request.user.is_staff:
            return HttpResponseForbidden()
        claims = list(TravelClaim.objects.select_related("speaker", "conference").order_by("-created_at"))  # expect: DB002
        return JsonResponse(
            {
                "claims": [
                    {
                        "id": c.pk,
                        "conference": c.conference.slug,
                        "speaker": c.speaker.get_full_name(),
                        "amount_cents": c.amount_cents,
                        "currency": c.currency,
                        "status": c.status,
                    }
                    for c in claims
                ]
            }
        )
