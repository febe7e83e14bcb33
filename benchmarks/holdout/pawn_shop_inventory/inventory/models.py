"""Customers, pawned items, their photos and police holds."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Customer(models.Model):
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    id_document_type = models.CharField(max_length=20)
    id_document_number = models.CharField(max_length=40, db_index=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return f"{self.last_name}, {self.first_name}"


class Item(models.Model):
    class Status(models.TextChoices):
        PAWNED = "pawned"
        HELD = "held"
        FORFEITED = "forfeited"
        RETAIL = "retail"
        SOLD = "sold"
        RETURNED = "returned"

    class Category(models.TextChoices):
        JEWELRY = "jewelry"
        ELECTRONICS = "electronics"
        TOOLS = "tools"
        INSTRUMENTS = "instruments"
        FIREARMS = "firearms"
        OTHER = "other"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.CharField(max_length=255)
    brand = models.CharField(max_length=80, blank=True)
    model_number = models.CharField(max_length=80, blank=True)
    serial_number = models.CharField(max_length=80, blank=True, db_index=True)
    condition = models.CharField(max_length=20, default="good")
    appraised_value = models.DecimalField(max_digits=10, decimal_places=2)
    retail_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    sold_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PAWNED, db_index=True)
    intake_at = models.DateTimeField(auto_now_add=True, db_index=True)
    intake_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    police_reported_at = models.DateTimeField(null=True, blank=True)


class ItemPhoto(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    storage_key = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class PoliceHold(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="holds")
    agency = models.CharField(max_length=120)
    case_number = models.CharField(max_length=60)
    officer_badge = models.CharField(max_length=30)
    placed_at = models.DateTimeField(auto_now_add=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(released_at__isnull=True), name="one_open_hold_per_item"
            )
        ]
