"""Time-allocation committee: reviewing proposals and the ranked list per semester."""
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.models import Proposal, Review

logger = logging.getLogger(__name__)

COMMITTEE_GROUP = "tac-members"


class IsCommitteeMember(BasePermission):
    message = "Only members of the time-allocation committee can do this."

    def has_permission(self, request, view):
        return request.user.groups.filter(name=COMMITTEE_GROUP).exists()


class ReviewSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=3, decimal_places=1, min_value=Decimal("1.0"), max_value=Decimal("5.0"))
    comments = serializers.CharField(allow_blank=True, max_length=5000, required=False, default="")


def _score_summary(proposal: Proposal) -> dict:
    stats = proposal.reviews.aggregate(mean=Avg("score"))
    pi = proposal.principal_investigator
    return {
        "code": proposal.code,
        "title": proposal.title,
        "pi": pi.get_full_name() or pi.username,
        "reviews": proposal.review_count,
        "mean_score": round(stats["mean"], 2) if stats["mean"] is not None else None,
        "hours_requested": proposal.hours_requested,
    }


class SubmitReviewView(APIView):
    permission_classes = [IsAuthenticated, IsCommitteeMember]

    def post(self, request, code):
        proposal = get_object_or_404(Proposal, code=code)
        if proposal.principal_investigator_id == request.user.pk:
            return Response({"detail": "You cannot review your own proposal."}, status=status.HTTP_403_FORBIDDEN)

        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = serializer.validated_data["score"]

        try:
            with transaction.atomic():
                Review.objects.create(
                    proposal=proposal,
                    reviewer=request.user,
                    score=score,
                    comments=serializer.validated_data["comments"],
                )
        except IntegrityError:
            return Response({"detail": "You have already reviewed this proposal."}, status=status.HTTP_409_CONFLICT)

        proposal.review_count += 1
        proposal.score_total += score
        proposal.save(update_fields=["review_count", "score_total"])  # expect: DB004
        logger.info("review of %s by %s recorded (score %s)", proposal.code, request.user.pk, score)
        return Response({"code": proposal.code, "reviews": proposal.review_count}, status=status.HTTP_201_CREATED)


class SemesterRankingView(APIView):
    """All proposals of a semester, best mean score first, for the TAC meeting."""

    permission_classes = [IsAuthenticated, IsCommitteeMember]

    def get(self, request, semester):
        proposals = Proposal.objects.filter(semester=semester).order_by("code")
        rows = []
        for proposal in proposals:  # expect: DB001
            rows.append(_score_summary(proposal))
        rows.sort(key=lambda r: (r["mean_score"] is None, -(r["mean_score"] or 0)))
        return Response({"semester": semester, "count": len(rows), "proposals": rows})


class MyReviewsView(APIView):
    permission_classes = [IsAuthenticated, IsCommitteeMember]

    def get(self, request):
        reviews = (
            Review.objects.filter(reviewer=request.user)
            .select_related("proposal")
            .order_by("-created_at")[:100]
        )
        return Response(
            [
                {"proposal": r.proposal.code, "score": r.score, "created_at": r.created_at}
                for r in reviews
            ]
        )
