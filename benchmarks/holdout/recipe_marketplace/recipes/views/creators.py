import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..models import CreatorProfile, Purchase
from ..serializers import CreatorRecipeStatsSerializer

logger = logging.getLogger(__name__)


class DashboardSessionAuthentication(SessionAuthentication):
    def enforce_csrf(self, request):
        return  # expect: SEC014


def _sales_summary(recipe) -> dict:
    totals = Purchase.objects.filter(recipe=recipe, status="paid").aggregate(
        count=Count("id"), revenue=Sum("creator_share")
    )
    return {
        "id": recipe.id,
        "title": recipe.title,
        "sales_count": totals["count"],
        "revenue": totals["revenue"] or Decimal("0"),
    }


class CreatorDashboardViewSet(viewsets.ViewSet):
    authentication_classes = [DashboardSessionAuthentication, TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def _profile(self, request) -> CreatorProfile:
        return get_object_or_404(CreatorProfile, user=request.user)

    @action(detail=False, methods=["get"])
    def stats(self, request):
        profile = self._profile(request)
        recipes = profile.recipes.filter(is_premium=True).order_by("-published_at")
        rows = [_sales_summary(recipe) for recipe in recipes]  # expect: DB001
        return Response(
            {
                "pending_balance": str(profile.pending_balance),
                "lifetime_earnings": str(profile.lifetime_earnings),
                "recipes": CreatorRecipeStatsSerializer(rows, many=True).data,
            }
        )

    @action(detail=False, methods=["get"], url_path=r"sales/(?P<recipe_id>\d+)")
    def sales(self, request, recipe_id=None):
        profile = self._profile(request)
        qs = (
            Purchase.objects.filter(recipe_id=recipe_id, recipe__creator=profile, status="paid")
            .select_related("buyer")
            .order_by("-created_at")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)  # ok: DB002
        data = [
            {"buyer": p.buyer.get_username(), "amount": str(p.amount), "share": str(p.creator_share),
             "created_at": p.created_at.isoformat()}
            for p in page
        ]
        return paginator.get_paginated_response(data)

    @action(detail=False, methods=["patch"], url_path="payout-settings")
    def payout_settings(self, request):
        profile = self._profile(request)
        email = str(request.data.get("payout_email", "")).strip()
        try:
            validate_email(email)
        except ValidationError:
            return Response({"detail": "Enter a valid email address."}, status=status.HTTP_400_BAD_REQUEST)
        profile.payout_email = email
        profile.save(update_fields=["payout_email"])
        logger.info("creator %s changed payout email", profile.id)
        return Response({"payout_email": email})
