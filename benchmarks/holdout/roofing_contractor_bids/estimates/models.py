from django.conf import settings
from django.db import models


class Customer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer")
    phone = models.CharField(max_length=32, blank=True)
    address_line = models.CharField(max_length=200)
    postcode = models.CharField(max_length=12, db_index=True)


class QuoteRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new"
        SURVEY_BOOKED = "survey_booked"
        BID_SENT = "bid_sent"
        WON = "won"
        LOST = "lost"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="quote_requests")
    estimator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="assigned_quotes")
    roof_type = models.CharField(max_length=24)
    description = models.TextField(max_length=4000)
    site_postcode = models.CharField(max_length=12)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["site_postcode"])]


class SitePhoto(models.Model):
    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="photos")
    storage_key = models.CharField(max_length=300)
    thumbnail_key = models.CharField(max_length=300, blank=True)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Bid(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        SENT = "sent"
        ACCEPTED = "accepted"
        DECLINED = "declined"
        EXPIRED = "expired"

    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="bids")
    total_pence = models.PositiveIntegerField()
    deposit_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    valid_until = models.DateField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "accepted_at"])]


class Deposit(models.Model):
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="deposit")
    amount_pence = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    provider_payment_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)


class Crew(models.Model):
    name = models.CharField(max_length=60, unique=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="crews_led")
    lead_phone = models.CharField(max_length=32)
    weekly_hours_capacity = models.DecimalField(max_digits=6, decimal_places=1, default=160)
    hours_booked = models.DecimalField(max_digits=6, decimal_places=1, default=0)


class CrewAssignment(models.Model):
    crew = models.ForeignKey(Crew, on_delete=models.CASCADE, related_name="assignments")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="assignments")
    work_date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        indexes = [models.Index(fields=["crew", "work_date"])]


class Supplier(models.Model):
    name = models.CharField(max_length=80)
    api_code = models.SlugField(max_length=40, unique=True)
    contact_email = models.EmailField(blank=True)


class Material(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="materials")
    sku = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20, default="each")
    price_pence = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "sku"], name="uniq_supplier_sku")]


class MaterialOrder(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="material_orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT)
    status = models.CharField(max_length=12, default="draft")
    supplier_order_ref = models.CharField(max_length=64, blank=True)
    total_pence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)


class MaterialOrderLine(models.Model):
    order = models.ForeignKey(MaterialOrder, on_delete=models.CASCADE, related_name="lines")
    material = models.ForeignKey(Material, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
