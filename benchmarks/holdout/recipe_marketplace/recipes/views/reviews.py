import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from ..models import Purchase, Recipe, Review
from ..serializers import ReviewSerializer

logger = logging.getLogger(__name__)


class ReviewViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = ReviewSerializer

    def get_permissions(self):
        if self.action == "list":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        qs = Review.objects.filter(recipe__slug=self.kwargs["recipe_slug"]).select_related("author")
        if self.action == "destroy":
            qs = qs.filter(author=self.request.user)  # ok: SEC018
        return qs.order_by("-created_at")

    def create(self, request, recipe_slug=None):
        recipe = get_object_or_404(Recipe, slug=recipe_slug, published_at__isnull=False)
        if recipe.is_premium and not Purchase.objects.filter(
            buyer=request.user, recipe=recipe, status="paid"
        ).exists():
            return Response({"detail": "Only buyers can review premium recipes."},
                            status=status.HTTP_403_FORBIDDEN)

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                review = serializer.save(recipe=recipe, author=request.user)  # ok: DB005
                Recipe.objects.filter(pk=recipe.pk).update(
                    rating_count=F("rating_count") + 1,
                    rating_total=F("rating_total") + review.stars,  # ok: DB004
                )
        except IntegrityError:
            return Response({"detail": "You have already reviewed this recipe."},
                            status=status.HTTP_409_CONFLICT)
        logger.info("review %s created recipe=%s user=%s", review.id, recipe.id, request.user.id)
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Review) -> None:
        with transaction.atomic():
            deleted, _ = Review.objects.filter(pk=instance.pk).delete()
            if deleted:
                Recipe.objects.filter(pk=instance.recipe_id).update(
                    rating_count=F("rating_count") - 1,
                    rating_total=F("rating_total") - instance.stars,
                )
