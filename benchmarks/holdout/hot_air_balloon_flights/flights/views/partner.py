"""Partner endpoint where the Met Office pushes severe-weather warnings."""
import logging

import jwt
from django.db import transaction
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import MetWarning

logger = logging.getLogger(__name__)

PARTNER_ISSUER = "met-office-partner-feed"


class MetPartner:
    """Authenticated principal for the feed; not a Django user."""

    is_authenticated = True

    def __init__(self, client_id: str):
        self.client_id = client_id


class MetPartnerAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        token = header.removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
        except jwt.InvalidTokenError as exc:
            raise AuthenticationFailed("Invalid partner token") from exc
        if claims.get("iss") != PARTNER_ISSUER:
            raise AuthenticationFailed("Unknown issuer")
        return MetPartner(claims.get("sub", "unknown")), token


class IsMetPartner(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, MetPartner)


class WarningSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64)
    region = serializers.CharField(max_length=64)
    severity = serializers.ChoiceField(choices=["yellow", "amber", "red"])
    headline = serializers.CharField(max_length=300)
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()


class WarningBatchSerializer(serializers.Serializer):
    warnings = WarningSerializer(many=True, max_length=500)


@method_decorator(csrf_exempt, name="dispatch")  # ok: SEC014
class MetWarningFeedView(APIView):
    authentication_classes = [MetPartnerAuthentication]
    permission_classes = [IsMetPartner]

    def post(self, request):
        logger.info("met warning push from %s headers=%s", request.user.client_id, dict(request.headers))  # expect: SEC007
        serializer = WarningBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = 0
        with transaction.atomic():
            for item in serializer.validated_data["warnings"]:
                MetWarning.objects.update_or_create(
                    warning_id=item["id"],
                    defaults={
                        "region": item["region"],
                        "severity": item["severity"],
                        "headline": item["headline"],
                        "valid_from": item["valid_from"],
                        "valid_to": item["valid_to"],
                    },
                )
                stored += 1
        logger.info("met warnings stored count=%s partner=%s", stored, request.user.client_id)
        return Response({"stored": stored}, status=status.HTTP_202_ACCEPTED)
