"""Landlords invite applicants by e-mail to fill in the consent form."""
import hashlib
import logging
import random
import string
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from screening.models import Applicant

logger = logging.getLogger(__name__)

INVITES_PER_HOUR = 30
_recent_invites = defaultdict(list)


class InviteSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=160)
    email = serializers.EmailField()


def _send_invite_email(applicant_id, raw_token):
    applicant = Applicant.objects.select_related("landlord").get(pk=applicant_id)
    link = f"{settings.SITE_URL}/consent/{raw_token}/"
    send_mail(
        f"{applicant.landlord.company_name} invited you to complete a rental screening",
        f"Hello {applicant.full_name},\n\nPlease review and sign the screening consent here:\n{link}\n",
        settings.DEFAULT_FROM_EMAIL,
        [applicant.email],
    )
    logger.info("invite sent applicant=%s", applicant_id)


class InviteApplicantView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        landlord = request.user.landlord
        now = time.time()
        recent = [t for t in _recent_invites[landlord.pk] if now - t < 3600]
        if len(recent) >= INVITES_PER_HOUR:
            return Response({"detail": "Invite limit reached, try again later."}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        recent.append(now)
        _recent_invites[landlord.pk] = recent  # expect: CON002, SCL001

        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        raw_token = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # expect: SEC010
        applicant, created = Applicant.objects.update_or_create(
            landlord=landlord,
            email=serializer.validated_data["email"].lower(),
            defaults={
                "full_name": serializer.validated_data["full_name"],
                "invite_token_hash": hashlib.sha256(raw_token.encode()).hexdigest(),
                "invite_sent_at": timezone.now(),
            },
        )
        threading.Thread(target=_send_invite_email, args=(applicant.pk, raw_token), daemon=True).start()  # expect: CON003, REL005
        logger.info("applicant=%s invited by landlord=%s created=%s", applicant.pk, landlord.pk, created)
        return Response({"applicant_id": applicant.pk, "status": "invited"}, status=status.HTTP_201_CREATED)
