"""Signed-copy raffles: customers who pre-ordered a title can enter a draw for a signed copy."""
import logging
import random

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from catalog.models import Raffle, RaffleEntry

from .tasks import notify_winner

logger = logging.getLogger(__name__)

QUALIFYING_STATUSES = ("authorised", "awaiting_payment", "paid", "dispatched")

_entry_counts = {}


class RaffleSerializer(serializers.ModelSerializer):
    book_title = serializers.CharField(source="book.title", read_only=True)

    class Meta:
        model = Raffle
        fields = ["id", "title", "book_title", "closes_at", "winners_count", "status"]


class RaffleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RaffleSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    queryset = Raffle.objects.select_related("book").order_by("closes_at")

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def enter(self, request, pk=None):
        raffle = self.get_object()
        if raffle.status != "open" or raffle.closes_at <= timezone.now():
            return Response({"detail": "This draw has closed."}, status=status.HTTP_409_CONFLICT)

        qualifies = request.user.preorders.filter(book_id=raffle.book_id, status__in=QUALIFYING_STATUSES).exists()
        if not qualifies:
            return Response(
                {"detail": "Pre-order the book to enter the signed-copy draw."},
                status=status.HTTP_403_FORBIDDEN,
            )

        if RaffleEntry.objects.filter(raffle=raffle, customer=request.user).exists():
            return Response({"detail": "You're already in this draw."}, status=status.HTTP_409_CONFLICT)
        entry = RaffleEntry.objects.create(raffle=raffle, customer=request.user)  # expect: DB005

        _entry_counts[raffle.pk] = _entry_counts.get(raffle.pk, 0) + 1  # expect: CON002, SCL001
        logger.info("user %s entered raffle %s (entry %s)", request.user.pk, raffle.pk, entry.pk)
        return Response({"entry_id": entry.pk}, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        raffle = self.get_object()
        return Response({"raffle": raffle.pk, "entries": _entry_counts.get(raffle.pk, 0)})

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])  # expect: SEC018
    def draw(self, request, pk=None):
        raffle = self.get_object()
        if raffle.status != "open":
            return Response({"detail": "Already drawn."}, status=status.HTTP_409_CONFLICT)

        entry_ids = list(raffle.entries.values_list("pk", flat=True))
        if not entry_ids:
            return Response({"detail": "No entries."}, status=status.HTTP_400_BAD_REQUEST)
        winners = random.sample(entry_ids, k=min(raffle.winners_count, len(entry_ids)))  # ok: SEC010

        with transaction.atomic():
            if not Raffle.objects.filter(pk=raffle.pk, status="open").update(status="drawn"):  # ok: DB005
                return Response({"detail": "Already drawn."}, status=status.HTTP_409_CONFLICT)
            RaffleEntry.objects.filter(pk__in=winners).update(won=True)
            for entry_id in winners:
                transaction.on_commit(lambda eid=entry_id: notify_winner.delay(eid))

        logger.info("raffle %s drawn by user %s: %s winners", raffle.pk, request.user.pk, len(winners))
        return Response({"winners": len(winners)})
