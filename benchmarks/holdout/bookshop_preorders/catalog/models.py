from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=200)
    feed_code = models.SlugField(max_length=40, unique=True)
    feed_url = models.URLField(blank=True)
    feed_username = models.CharField(max_length=100, blank=True)
    feed_password = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)

    def __str__(self):
        return self.name


class Book(models.Model):
    isbn = models.CharField(max_length=13, unique=True)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="books")
    price_pence = models.PositiveIntegerField()
    publication_date = models.DateField()
    stock_on_hand = models.IntegerField(default=0)
    preorder_open = models.BooleanField(default=False)
    preorder_allocation = models.PositiveIntegerField(default=0)
    preorders_taken = models.PositiveIntegerField(default=0)
    signed_edition = models.BooleanField(default=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["publication_date"]),
            GinIndex(fields=["search_vector"]),
        ]

    def __str__(self):
        return f"{self.title} ({self.isbn})"


class Preorder(models.Model):
    STATUS_CHOICES = [
        ("reserved", "Reserved"),
        ("authorised", "Card authorised"),
        ("awaiting_payment", "Awaiting payment"),
        ("paid", "Paid"),
        ("dispatched", "Dispatched"),
        ("cancelled", "Cancelled"),
    ]

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preorders")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="preorders")
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price_pence = models.PositiveIntegerField()
    gift_card_pence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="reserved")
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    charge_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["book", "status"]),
        ]

    @property
    def amount_due_pence(self):
        return max(self.quantity * self.unit_price_pence - self.gift_card_pence, 0)


class GiftCard(models.Model):
    code = models.CharField(max_length=19, unique=True)
    initial_pence = models.PositiveIntegerField()
    balance_pence = models.PositiveIntegerField()
    purchaser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recipient_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)


class GiftCardTransaction(models.Model):
    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="transactions")
    preorder = models.ForeignKey(Preorder, on_delete=models.PROTECT, null=True, related_name="gift_card_transactions")
    amount_pence = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class Raffle(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="raffles")
    title = models.CharField(max_length=200)
    closes_at = models.DateTimeField()
    winners_count = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, default="open")


class RaffleEntry(models.Model):
    raffle = models.ForeignKey(Raffle, on_delete=models.CASCADE, related_name="entries")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="raffle_entries")
    won = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ProcessedStripeEvent(models.Model):
    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)
