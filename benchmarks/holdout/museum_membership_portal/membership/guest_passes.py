"""Guest pass issuing (members) and redemption (front desk), v2 endpoints."""
import logging
import secrets
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from membership.models import GuestPass, Membership

log = logging.getLogger(__name__)


def new_code():
    return "GP-" + secrets.token_urlsafe(9).upper()  # ok: SEC010


class IssueGuestPass(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        with transaction.atomic():
            membership = (Membership.objects.select_for_update(of=("self",))  # ok: DB005
                          .select_related("tier")
                          .filter(member__user=request.user, status="active",
                                  expires_on__gte=date.today())
                          .order_by("-expires_on").first())
            if membership is None:
                return Response({"detail": "No active membership."},
                                status=status.HTTP_403_FORBIDDEN)
            issued = GuestPass.objects.filter(membership=membership,
                                              issued_on__year=date.today().year).count()
            if issued >= membership.tier.guest_allowance:
                return Response({"detail": "Guest pass allowance used up for this year."},
                                status=status.HTTP_409_CONFLICT)
            guest_pass = GuestPass.objects.create(membership=membership, code=new_code())
            Membership.objects.filter(pk=membership.pk).update(
                guest_passes_issued=F("guest_passes_issued") + 1)  # ok: DB004
        log.info("guest pass %s issued on membership %s", guest_pass.pk, membership.number)
        return Response({"id": guest_pass.pk, "code": guest_pass.code},
                        status=status.HTTP_201_CREATED)


class RedeemGuestPass(APIView):
    permission_classes = [IsAdminUser]  # ok: SEC017

    def post(self, request):
        code = (request.data.get("code") or "").strip().upper()
        if not code:
            return Response({"detail": "code is required"}, status=status.HTTP_400_BAD_REQUEST)
        redeemed = (GuestPass.objects
                    .filter(code=code, redeemed_at__isnull=True,
                            membership__expires_on__gte=date.today())
                    .update(redeemed_at=timezone.now(), redeemed_by=request.user))  # ok: DB005
        if redeemed:
            log.info("guest pass %s redeemed by staff %s", code, request.user.pk)
            return Response({"code": code, "status": "redeemed"})
        existing = GuestPass.objects.filter(code=code).only("redeemed_at").first()
        if existing is None:
            return Response({"detail": "Unknown guest pass."}, status=status.HTTP_404_NOT_FOUND)
        if existing.redeemed_at is not None:
            return Response({"detail": "Guest pass already used.",
                             "redeemed_at": existing.redeemed_at},
                            status=status.HTTP_409_CONFLICT)
        return Response({"detail": "Host membership has expired."},
                        status=status.HTTP_409_CONFLICT)
