from decimal import Decimal

from django.conf import settings
from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=200)
    api_code = models.CharField(max_length=40, unique=True)
    contact_email = models.EmailField()

    def __str__(self) -> str:
        return self.name


class Reagent(models.Model):
    catalogue_number = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    cas_number = models.CharField(max_length=20, db_index=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="reagents")
    unit = models.CharField(max_length=10, default="mL")
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("0"))
    reorder_level = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("0"))
    hazard_class = models.CharField(max_length=20, blank=True)
    location = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(check=models.Q(quantity__gte=0), name="reagent_quantity_non_negative"),
        ]


class StockMovement(models.Model):
    reagent = models.ForeignKey(Reagent, on_delete=models.CASCADE, related_name="movements")
    delta = models.DecimalField(max_digits=12, decimal_places=3)
    reason = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class PurchaseOrder(models.Model):
    STATUS_CHOICES = [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("received", "Received")]

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT)
    reagent = models.ForeignKey(Reagent, on_delete=models.PROTECT)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="draft", db_index=True)
    supplier_reference = models.CharField(max_length=80, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)


class HazardReport(models.Model):
    reagent = models.ForeignKey(Reagent, on_delete=models.CASCADE, related_name="hazard_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    severity = models.CharField(max_length=10)
    description = models.TextField()
    attachment_key = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class InstrumentReading(models.Model):
    instrument_id = models.CharField(max_length=40, db_index=True)
    reagent = models.ForeignKey(Reagent, on_delete=models.CASCADE)
    measured_at = models.DateTimeField()
    volume_used = models.DecimalField(max_digits=12, decimal_places=3)
    dilution = models.DecimalField(max_digits=10, decimal_places=6, default=Decimal("1"))

    class Meta:
        unique_together = [("instrument_id", "reagent", "measured_at")]
