from django.conf import settings
from django.db import models


class Artist(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="artist_profile")
    display_name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    deposit_cents = models.PositiveIntegerField(default=5000)
    hourly_rate_cents = models.PositiveIntegerField(default=12000)
    calendar_feed_token = models.CharField(max_length=64, unique=True)
    api_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.display_name


class Client(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tattoo_client")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING_DEPOSIT = "pending_deposit", "Awaiting deposit"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.PENDING_DEPOSIT, Status.CONFIRMED)

    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="bookings")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_DEPOSIT)
    placement = models.CharField(max_length=60, blank=True)
    design_notes = models.TextField(blank=True)
    deposit_paid_cents = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    aftercare_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["artist", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]


class AvailabilityBlock(models.Model):
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    start_time = models.TimeField()
    end_time = models.TimeField()


class Deposit(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="deposits")
    stripe_payment_intent = models.CharField(max_length=64, unique=True)
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)


class DepositRefund(models.Model):
    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="refunds")
    stripe_refund_id = models.CharField(max_length=64, unique=True)
    amount_cents = models.PositiveIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ConsentForm(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="consent_form")
    file_path = models.CharField(max_length=500, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    signing_token = models.CharField(max_length=64, blank=True, db_index=True)
    signing_expires_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
