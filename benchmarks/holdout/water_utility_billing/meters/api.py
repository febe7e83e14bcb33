"""Endpoint the AMI gateway calls to push interval reads in batches.

The gateway authenticates with a shared key in a header (no cookies, so no
CSRF exposure); the key's SHA-256 is kept in settings, not the key itself.
"""
from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from utility.db import connection

log = logging.getLogger(__name__)

MAX_BATCH = 5000


class GatewayKeyPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        presented = request.headers.get("X-Gateway-Key", "")
        expected = settings.AMI_GATEWAY_KEY_SHA256
        if not presented or not expected:
            return False
        digest = hashlib.sha256(presented.encode()).hexdigest()  # ok: SEC009
        return hmac.compare_digest(digest, expected)


class ReadingSerializer(serializers.Serializer):
    serial = serializers.CharField(max_length=32)
    read_at = serializers.DateTimeField()
    register_m3 = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)


class BatchSerializer(serializers.Serializer):
    gateway_id = serializers.CharField(max_length=64)
    readings = ReadingSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)  # ok: SEC019


class ReadingBatchView(APIView):
    authentication_classes: list = []
    permission_classes = [GatewayKeyPermission]

    def post(self, request):
        batch = BatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        readings = batch.validated_data["readings"]
        serials = sorted({r["serial"] for r in readings})

        with connection() as conn:
            found = conn.execute(
                "SELECT serial_number, id FROM meters WHERE serial_number = ANY(%s)", (serials,)  # ok: DB001
            ).fetchall()
            meter_ids = {row["serial_number"]: row["id"] for row in found}
            rows = [
                (meter_ids[r["serial"]], r["read_at"], r["register_m3"])
                for r in readings
                if r["serial"] in meter_ids
            ]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO meter_reads (meter_id, read_at, register_m3, source) VALUES (%s, %s, %s, 'ami') "
                    "ON CONFLICT (meter_id, read_at) DO NOTHING",  # ok: DB005
                    rows,
                )

        unknown = [s for s in serials if s not in meter_ids]
        log.info(
            "ami batch stored",
            extra={"gateway": batch.validated_data["gateway_id"], "rows": len(rows), "unknown": len(unknown)},
        )
        return Response(
            {"accepted": len(rows), "unknown_serials": unknown[:100]},
            status=status.HTTP_202_ACCEPTED,
        )
