"""Gift voucher sales (office staff) and redemption at checkout."""
import datetime
import logging
import random
import string

from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from ..models import GiftVoucher
from ..serializers import VoucherRedeemSerializer, VoucherSerializer

logger = logging.getLogger(__name__)

VOUCHER_ALPHABET = string.ascii_uppercase + string.digits
VOUCHER_VALIDITY_DAYS = 730


class VoucherIssueSerializer(serializers.Serializer):
    purchaser_email = serializers.EmailField()
    value_pence = serializers.IntegerField(min_value=1000, max_value=200000)


def _new_voucher_code() -> str:
    return "SKY-" + "".join(random.choices(VOUCHER_ALPHABET, k=10))  # expect: SEC010


class VoucherViewSet(viewsets.GenericViewSet):
    queryset = GiftVoucher.objects.all()
    serializer_class = VoucherSerializer
    lookup_field = "code"

    def get_permissions(self):
        if self.action == "create":
            return [IsAdminUser()]
        return [IsAuthenticated()]

    def create(self, request):
        serializer = VoucherIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        voucher = GiftVoucher.objects.create(
            code=_new_voucher_code(),
            purchaser_email=serializer.validated_data["purchaser_email"],
            balance_pence=serializer.validated_data["value_pence"],
            expires_on=timezone.localdate() + datetime.timedelta(days=VOUCHER_VALIDITY_DAYS),
        )
        logger.info("voucher issued id=%s by staff=%s", voucher.pk, request.user.pk)
        return Response(VoucherSerializer(voucher).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, code=None):
        voucher = get_object_or_404(GiftVoucher, code=code.upper())
        return Response(VoucherSerializer(voucher).data)

    @action(detail=False, methods=["post"])
    def redeem(self, request):
        serializer = VoucherRedeemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data["code"].upper()
        amount = serializer.validated_data["amount_pence"]

        voucher = get_object_or_404(GiftVoucher, code=code)
        if voucher.expires_on < timezone.localdate():
            return Response({"ok": False, "error": "This voucher has expired."})  # todo-expect: MNT001
        if voucher.balance_pence < amount:
            return Response(
                {"detail": "The voucher balance does not cover this amount."},
                status=status.HTTP_400_BAD_REQUEST,
            )

        voucher.balance_pence -= amount  # expect: DB004
        voucher.save(update_fields=["balance_pence"])
        logger.info("voucher redeemed id=%s amount=%s user=%s", voucher.pk, amount, request.user.pk)
        return Response(VoucherSerializer(voucher).data)
