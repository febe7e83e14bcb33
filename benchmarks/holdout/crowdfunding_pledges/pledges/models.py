from django.conf import settings
from django.db import models


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        LIVE = "live"
        FUNDED = "funded"
        FAILED = "failed"
        CHARGED = "charged"
        PAID_OUT = "paid_out"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaigns"
    )
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    goal_cents = models.PositiveBigIntegerField()
    pledged_cents = models.PositiveBigIntegerField(default=0)
    backer_count = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    stripe_account_id = models.CharField(max_length=64, blank=True)
    payout_transfer_id = models.CharField(max_length=64, blank=True)
    ends_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def has_reached_goal(self):
        return self.pledged_cents >= self.goal_cents

    def __str__(self):
        return self.title


class BackerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backer_profile"
    )
    display_name = models.CharField(max_length=120, blank=True)
    stripe_customer_id = models.CharField(max_length=64)
    default_payment_method = models.CharField(max_length=64, blank=True)
    wants_updates = models.BooleanField(default=True)


class Pledge(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        CHARGED = "charged"
        FAILED = "failed"
        REFUNDED = "refunded"
        CANCELLED = "cancelled"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    backer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges"
    )
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    fraud_score = models.FloatField(null=True, blank=True)
    refund_email_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    charged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["backer", "created_at"]),
        ]


class CampaignUpdate(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)


class Refund(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField()
    stripe_refund_id = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class StripeEvent(models.Model):
    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
