from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class CreatorProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator")
    display_name = models.CharField(max_length=80)
    payout_email = models.EmailField(blank=True)
    stripe_account_id = models.CharField(max_length=64, blank=True)
    revenue_share = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.70"))
    pending_balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    lifetime_earnings = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    def __str__(self) -> str:
        return self.display_name


class Recipe(models.Model):
    creator = models.ForeignKey(CreatorProfile, on_delete=models.PROTECT, related_name="recipes")
    title = models.CharField(max_length=140)
    slug = models.SlugField(max_length=160, unique=True)
    summary = models.CharField(max_length=400, blank=True)
    body = models.TextField()
    ingredients = models.JSONField(default=list)
    servings = models.PositiveSmallIntegerField(default=4)
    is_premium = models.BooleanField(default=False)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    image = models.ImageField(upload_to="recipes/", blank=True)
    thumbnail = models.ImageField(upload_to="thumbs/", blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveIntegerField(default=0)
    search_vector = SearchVectorField(null=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [GinIndex(fields=["search_vector"], name="recipe_search_gin")]

    @property
    def average_rating(self) -> float:
        return round(self.rating_total / self.rating_count, 2) if self.rating_count else 0.0


class Purchase(models.Model):
    STATUS_CHOICES = [("paid", "Paid"), ("refunded", "Refunded")]

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recipe_purchases")
    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="purchases")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    creator_share = models.DecimalField(max_digits=8, decimal_places=2)
    stripe_payment_intent = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="paid")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["buyer", "recipe"], name="uniq_purchase_per_buyer")]


class Review(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recipe_reviews")
    stars = models.PositiveSmallIntegerField()
    body = models.TextField(max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipe", "author"], name="uniq_review_per_author")]


class NewsletterSubscriber(models.Model):
    email = models.EmailField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    active = models.BooleanField(default=True, db_index=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)


class CreatorPayout(models.Model):
    creator = models.ForeignKey(CreatorProfile, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    period = models.CharField(max_length=7)
    stripe_transfer_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "period"], name="uniq_payout_per_period")]
