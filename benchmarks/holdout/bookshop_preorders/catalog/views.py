"""Public catalogue endpoints: browse forthcoming titles and pre-order availability."""
import datetime

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Q
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .models import Book

OPEN_STATUSES = ("reserved", "authorised", "awaiting_payment")

ORDERINGS = {
    "title": "title",
    "-title": "-title",
    "published": "publication_date",
    "-published": "-publication_date",
    "price": "price_pence",
    "-price": "-price_pence",
}


class BookListSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher.name", read_only=True)
    waiting = serializers.IntegerField(read_only=True)  # ok: DB001
    copies_left = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = [
            "id", "isbn", "title", "author", "publisher", "price_pence",
            "publication_date", "signed_edition", "preorder_open", "waiting", "copies_left",
        ]

    def get_copies_left(self, book):
        return max(book.preorder_allocation - book.preorders_taken, 0)


class BookViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue is public; nothing here changes state."""

    serializer_class = BookListSerializer
    permission_classes = [AllowAny]  # ok: SEC018

    def get_queryset(self):
        qs = (
            Book.objects.select_related("publisher")
            .annotate(waiting=Count("preorders", filter=Q(preorders__status__in=OPEN_STATUSES)))
        )
        term = self.request.query_params.get("q", "").strip()
        if term:
            qs = qs.filter(search_vector=SearchQuery(term, config="english"))  # ok: DB006
        if self.request.query_params.get("signed") == "1":
            qs = qs.filter(signed_edition=True)
        ordering = ORDERINGS.get(self.request.query_params.get("ordering", ""), "title")
        return qs.order_by(ordering, "id")

    @action(detail=False, methods=["get"])
    def forthcoming(self, request):
        today = datetime.date.today()
        limit = min(int(request.query_params.get("limit", 20) or 20), 50)
        books = Book.objects.raw(  # ok: SEC001
            """
            SELECT b.id, b.isbn, b.title, b.author, b.publication_date
            FROM catalog_book b
            WHERE b.publication_date >= %s AND b.preorder_open
            ORDER BY b.publication_date, b.id
            LIMIT %s
            """,
            [today, limit],
        )
        return Response(
            [
                {
                    "id": b.id,
                    "isbn": b.isbn,
                    "title": b.title,
                    "author": b.author,
                    "publication_date": b.publication_date.isoformat(),
                }
                for b in books
            ]
        )
