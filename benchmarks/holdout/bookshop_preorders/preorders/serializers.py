from django.db.models import Sum
from rest_framework import serializers

from catalog.models import Book, GiftCardTransaction, Preorder

MAX_COPIES_PER_ORDER = 5


class BookSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "isbn", "title", "author", "publication_date", "signed_edition"]


class PreorderSerializer(serializers.ModelSerializer):
    book = BookSummarySerializer(read_only=True)
    book_id = serializers.PrimaryKeyRelatedField(
        source="book",
        queryset=Book.objects.filter(preorder_open=True),
        write_only=True,
    )
    amount_due_pence = serializers.IntegerField(read_only=True)
    gift_card_history = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField()

    class Meta:
        model = Preorder
        fields = [
            "id", "book", "book_id", "quantity", "unit_price_pence", "gift_card_pence",
            "amount_due_pence", "status", "created_at", "gift_card_history", "queue_position",
        ]
        read_only_fields = ["unit_price_pence", "gift_card_pence", "status", "created_at"]

    def validate_quantity(self, value):
        if value < 1 or value > MAX_COPIES_PER_ORDER:
            raise serializers.ValidationError(
                f"You can pre-order between 1 and {MAX_COPIES_PER_ORDER} copies."
            )
        return value

    def validate(self, attrs):
        book = attrs.get("book")
        if book is not None and book.signed_edition and attrs.get("quantity", 1) > 1:
            raise serializers.ValidationError({"quantity": "Signed editions are limited to one per customer."})
        return attrs

    def get_gift_card_history(self, preorder):
        totals = GiftCardTransaction.objects.filter(preorder=preorder).aggregate(total=Sum("amount_pence"))  # expect: DB001
        spent = -(totals["total"] or 0)
        return {"applied_pence": spent, "remaining_pence": preorder.amount_due_pence}

    def get_queue_position(self, preorder):
        if preorder.status in ("dispatched", "cancelled"):
            return None
        open_statuses = ("reserved", "authorised", "awaiting_payment")
        ahead = Preorder.objects.filter(book_id=preorder.book_id, status__in=open_statuses, created_at__lt=preorder.created_at).count()  # expect: DB001
        return ahead + 1


class PreorderCancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=["changed_mind", "bought_elsewhere", "duplicate", "other"],
        default="other",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
