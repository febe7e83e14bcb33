"""Catalogue, orders and stock movements for the co-op shop."""
from django.db import models
from django.db.models import Q


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=40, db_index=True)
    price_pence = models.PositiveIntegerField()
    member_price_pence = models.PositiveIntegerField()
    stock_on_hand = models.IntegerField(default=0)
    reorder_level = models.PositiveIntegerField(default=5)
    supplier_code = models.CharField(max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(check=Q(stock_on_hand__gte=0), name="product_stock_non_negative"),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RESERVED = "reserved", "Stock reserved"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Payment failed"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total_pence = models.PositiveIntegerField(default=0)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    collection_point = models.CharField(max_length=40, default="apiary-shed")
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["member", "-placed_at"], name="order_member_recent"),
            models.Index(fields=["status", "placed_at"], name="order_status_placed"),
        ]

    def __str__(self):
        return f"Order #{self.pk} ({self.status})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()
    unit_price_pence = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="orderline_one_row_per_product"),
        ]

    @property
    def line_total_pence(self):
        return self.quantity * self.unit_price_pence


class StockMovement(models.Model):
    class Reason(models.TextChoices):
        ORDER = "order", "Sold"
        RELEASE = "release", "Reservation released"
        RESTOCK = "restock", "Supplier delivery"
        ADJUST = "adjust", "Stock take"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="movements")
    delta = models.IntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["product", "-created_at"], name="movement_product_recent")]
