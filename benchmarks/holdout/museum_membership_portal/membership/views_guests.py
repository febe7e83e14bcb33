import logging
import random
import string
from datetime import date

from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from membership.models import GuestPass, Membership

log = logging.getLogger(__name__)

CODE_ALPHABET = string.ascii_uppercase + string.digits


def _make_code():
    return "GP-" + "".join(random.choices(CODE_ALPHABET, k=10))  # expect: SEC010


class GuestPassSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuestPass
        fields = ["id", "code", "issued_on", "redeemed_at"]
        read_only_fields = fields


class GuestPassViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GuestPassSerializer

    def get_queryset(self):
        return (GuestPass.objects.filter(membership__member__user=self.request.user)
                .order_by("-issued_on"))

    def create(self, request):
        membership = (Membership.objects.select_related("tier")
                      .filter(member__user=request.user, status="active")
                      .order_by("-expires_on").first())
        if membership is None:
            return Response({"detail": "No active membership."}, status=status.HTTP_403_FORBIDDEN)
        issued_this_year = GuestPass.objects.filter(
            membership=membership, issued_on__year=date.today().year).count()
        if issued_this_year >= membership.tier.guest_allowance:
            return Response({"detail": "Guest pass allowance used up for this year."},
                            status=status.HTTP_409_CONFLICT)
        guest_pass = GuestPass.objects.create(membership=membership, code=_make_code())  # expect: DB005
        log.info("guest pass %s issued on membership %s", guest_pass.pk, membership.number)
        return Response(GuestPassSerializer(guest_pass).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"], url_path="redeem")
    def redeem(self, request):
        assert request.user.is_staff, "front desk staff only"  # expect: SEC017
        code = (request.data.get("code") or "").strip().upper()
        try:
            guest_pass = GuestPass.objects.select_related("membership").get(code=code)
        except GuestPass.DoesNotExist:
            return Response({"detail": "Unknown guest pass."}, status=status.HTTP_404_NOT_FOUND)
        if guest_pass.redeemed_at is not None:
            return Response({"detail": "Guest pass already used.",
                             "redeemed_at": guest_pass.redeemed_at},
                            status=status.HTTP_409_CONFLICT)
        if guest_pass.membership.expires_on < date.today():
            return Response({"detail": "Host membership has expired."},
                            status=status.HTTP_409_CONFLICT)
        guest_pass.redeemed_at = timezone.now()
        guest_pass.redeemed_by = request.user
        guest_pass.save(update_fields=["redeemed_at", "redeemed_by"])  # expect: DB005
        return Response({"code": guest_pass.code, "redeemed_at": guest_pass.redeemed_at})
