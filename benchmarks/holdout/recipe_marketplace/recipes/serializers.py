from rest_framework import serializers

from .models import Purchase, Recipe, Review


class RecipeListSerializer(serializers.ModelSerializer):
    creator_name = serializers.CharField(source="creator.display_name", read_only=True)
    average_rating = serializers.FloatField(read_only=True)
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Recipe
        fields = [
            "slug",
            "title",
            "summary",
            "creator_name",
            "is_premium",
            "price",
            "average_rating",
            "rating_count",
            "thumbnail_url",
            "published_at",
        ]

    def get_thumbnail_url(self, obj: Recipe):
        return obj.thumbnail.url if obj.thumbnail else None


class RecipeDetailSerializer(RecipeListSerializer):
    body = serializers.SerializerMethodField()
    ingredients = serializers.SerializerMethodField()

    class Meta(RecipeListSerializer.Meta):
        fields = RecipeListSerializer.Meta.fields + ["body", "ingredients", "servings"]

    def _unlocked(self, obj: Recipe) -> bool:
        return not obj.is_premium or bool(self.context.get("owns_recipe"))

    def get_body(self, obj: Recipe):
        return obj.body if self._unlocked(obj) else None

    def get_ingredients(self, obj: Recipe):
        return obj.ingredients if self._unlocked(obj) else []


class ReviewSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "stars", "body", "author_name", "created_at"]
        read_only_fields = ["id", "author_name", "created_at"]

    def validate_stars(self, value: int) -> int:
        if not 1 <= value <= 5:
            raise serializers.ValidationError("stars must be between 1 and 5")
        return value


class PurchaseSerializer(serializers.ModelSerializer):
    recipe_slug = serializers.CharField(source="recipe.slug", read_only=True)
    recipe_title = serializers.CharField(source="recipe.title", read_only=True)

    class Meta:
        model = Purchase
        fields = ["id", "recipe_slug", "recipe_title", "amount", "status", "created_at"]
        read_only_fields = fields


class CreatorRecipeStatsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    sales_count = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=12, decimal_places=2)
