"""Repair tickets: the claim stub the customer keeps, the work, and the pickup."""
from django.conf import settings
from django.db import models


class Customer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20, unique=True)
    email = models.EmailField(blank=True)
    sms_opt_in = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.phone[-4:]})"


class Cobbler(models.Model):
    name = models.CharField(max_length=80)
    bench = models.CharField(max_length=10)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class RepairTicket(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received"
        IN_PROGRESS = "in_progress"
        READY = "ready"
        PICKED_UP = "picked_up"
        ABANDONED = "abandoned"

    claim_number = models.CharField(max_length=12, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    cobbler = models.ForeignKey(Cobbler, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    item_description = models.CharField(max_length=200)
    work_requested = models.TextField()
    quoted_cents = models.PositiveIntegerField()
    shelf_location = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True, db_index=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "ready_at"])]

    def __str__(self) -> str:
        return f"#{self.claim_number} {self.item_description}"


class IntakePhoto(models.Model):
    ticket = models.ForeignKey(RepairTicket, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="intake/%Y/%m/")
    local_path = models.CharField(max_length=255, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class PickupNotification(models.Model):
    class Kind(models.TextChoices):
        READY = "ready"
        REMINDER_7D = "reminder_7d"
        FINAL_30D = "final_30d"

    ticket = models.ForeignKey(RepairTicket, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True, db_index=True)
    delivery_status = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="one_notification_per_kind"),
        ]
