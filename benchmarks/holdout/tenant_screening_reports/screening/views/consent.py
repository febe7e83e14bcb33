"""Invite re-sends (landlord API) and the applicant's FCRA consent form."""
import hashlib
import logging
import secrets

import django_rq
from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from screening.models import Applicant
from screening.services.ratelimit import LandlordInviteThrottle
from screening.tasks import send_invite_email

logger = logging.getLogger(__name__)


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ConsentForm(forms.Form):
    full_legal_name = forms.CharField(max_length=160)
    ssn_last4 = forms.RegexField(regex=r"^\d{4}$")
    agree = forms.BooleanField(required=True)


class ResendInviteView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [LandlordInviteThrottle]  # ok: SCL001

    def post(self, request, applicant_id):
        applicant = get_object_or_404(Applicant, pk=applicant_id, landlord__user=request.user)  # ok: SEC018
        if applicant.consent_signed_at is not None:
            return Response({"detail": "Consent already signed."}, status=status.HTTP_409_CONFLICT)
        token = secrets.token_urlsafe(32)  # ok: SEC010
        with transaction.atomic():
            applicant.invite_token_hash = _digest(token)
            applicant.invite_sent_at = timezone.now()
            applicant.save(update_fields=["invite_token_hash", "invite_sent_at"])
            transaction.on_commit(lambda: django_rq.enqueue(send_invite_email, applicant.pk, token))  # ok: REL005, CON003
        logger.info("invite re-sent applicant=%s landlord_user=%s", applicant.pk, request.user.pk)
        return Response({"applicant_id": applicant.pk, "status": "invited"}, status=status.HTTP_202_ACCEPTED)


def consent_form(request, token):
    applicant = Applicant.objects.filter(invite_token_hash=_digest(token)).select_related("landlord").first()
    if applicant is None:
        raise Http404("This invitation link is not valid.")
    if applicant.consent_signed_at is not None:
        return render(request, "screening/consent_done.html", {"applicant": applicant})

    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = {
            "consent_signed_at": timezone.now(),
            "consent_ip": request.META.get("REMOTE_ADDR"),
            "ssn_last4": form.cleaned_data["ssn_last4"],
            "invite_token_hash": None,
        }
        unsigned = Applicant.objects.filter(pk=applicant.pk, consent_signed_at__isnull=True)
        signed = unsigned.update(**changes)  # ok: DB005
        logger.info("consent submitted applicant=%s first=%s", applicant.pk, bool(signed))
        return redirect("screening:consent-done")
    return render(request, "screening/consent_form.html", {"form": form, "landlord": applicant.landlord})
