from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F
from rest_framework import viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny

from ..models import Purchase, Recipe
from ..serializers import RecipeDetailSerializer, RecipeListSerializer


class RecipeCursorPagination(CursorPagination):
    page_size = 24
    max_page_size = 60
    page_size_query_param = "page_size"
    ordering = "-published_at"


class RecipeViewSet(viewsets.ReadOnlyModelViewSet):
    """Public catalogue: browse, search and read recipes."""

    permission_classes = [AllowAny]  # ok: SEC018
    pagination_class = RecipeCursorPagination
    lookup_field = "slug"

    def get_queryset(self):
        qs = Recipe.objects.filter(published_at__isnull=False).select_related("creator")  # ok: DB001
        params = self.request.query_params
        term = params.get("q", "").strip()[:100]
        if term:
            query = SearchQuery(term, search_type="websearch", config="english")
            qs = qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))  # ok: DB006
        premium = params.get("premium")
        if premium in ("true", "false"):
            qs = qs.filter(is_premium=premium == "true")
        creator = params.get("creator")
        if creator and creator.isdigit():
            qs = qs.filter(creator_id=int(creator))
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RecipeDetailSerializer
        return RecipeListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        if self.action == "retrieve" and user.is_authenticated:
            context["owns_recipe"] = Purchase.objects.filter(
                buyer=user, recipe__slug=self.kwargs.get("slug"), status="paid"
            ).exists()
        return context
