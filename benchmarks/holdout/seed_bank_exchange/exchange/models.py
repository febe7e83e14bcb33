from django.conf import settings
from django.db import models


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    display_name = models.CharField(max_length=80)
    region = models.CharField(max_length=40, db_index=True)
    postcode = models.CharField(max_length=12)
    shipping_address = models.TextField()
    is_verified = models.BooleanField(default=False, db_index=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.display_name


class SeedPacket(models.Model):
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="packets")
    species = models.CharField(max_length=80)
    variety = models.CharField(max_length=120)
    year_harvested = models.PositiveSmallIntegerField()
    quantity = models.PositiveIntegerField(default=0)
    seeds_per_packet = models.PositiveSmallIntegerField(default=20)
    is_listed = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["species", "variety"]),
            models.Index(fields=["variety"]),
            models.Index(fields=["is_listed", "-created_at"]),
        ]
        constraints = [models.CheckConstraint(check=models.Q(quantity__gte=0), name="packet_quantity_non_negative")]


class SwapRequest(models.Model):
    STATUSES = [(s, s) for s in ("pending", "accepted", "declined", "labelling", "label_created", "shipped")]

    requester = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="swap_requests")
    packet = models.ForeignKey(SeedPacket, on_delete=models.PROTECT, related_name="swap_requests")
    quantity = models.PositiveSmallIntegerField(default=1)
    message = models.CharField(max_length=280, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default="pending", db_index=True)
    ship_from_bank = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class Shipment(models.Model):
    swap = models.OneToOneField(SwapRequest, on_delete=models.PROTECT, related_name="shipment")
    carrier = models.CharField(max_length=32, default="parcelpost")
    tracking_number = models.CharField(max_length=64, blank=True, db_index=True)
    label_path = models.CharField(max_length=255, blank=True)
    label_file = models.FileField(upload_to="labels/", blank=True)
    postage_cents = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, default="label_created", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class InventoryAdjustment(models.Model):
    packet = models.ForeignKey(SeedPacket, on_delete=models.CASCADE, related_name="adjustments")
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True)
    delta = models.IntegerField()
    reason = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)


class WishlistItem(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="wishlist")
    variety = models.CharField(max_length=120)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "variety"], name="unique_wish")]


class Notification(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    dedupe_key = models.CharField(max_length=120, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ExportFile(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    kind = models.CharField(max_length=32)
    file = models.FileField(upload_to="exports/")
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
