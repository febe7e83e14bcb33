"""Review bookkeeping and semester ranking for the TAC dashboard (v2).

Counters on Proposal are maintained with single UPDATE statements, and the
ranking is computed by the database in one grouped query.
"""
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q, Sum

from scheduling.models import Proposal, Review

logger = logging.getLogger(__name__)


class ReviewRejected(Exception):
    def __init__(self, message: str, status_code: int):
        super().__init__(message)
        self.status_code = status_code


def record_review(proposal: Proposal, reviewer, score: Decimal, comments: str = "") -> Review:
    """Store one review and bump the proposal's counters atomically."""
    if proposal.principal_investigator_id == reviewer.pk:
        raise ReviewRejected("You cannot review your own proposal.", 403)
    if not Decimal("1.0") <= score <= Decimal("5.0"):
        raise ReviewRejected("Score must be between 1.0 and 5.0.", 400)

    try:
        with transaction.atomic():
            review = Review.objects.create(
                proposal=proposal, reviewer=reviewer, score=score, comments=comments[:5000]
            )
            Proposal.objects.filter(pk=proposal.pk).update(  # ok: DB004
                review_count=F("review_count") + 1,
                score_total=F("score_total") + score,
            )
    except IntegrityError:
        raise ReviewRejected("You have already reviewed this proposal.", 409) from None

    logger.info("review %s of %s by %s recorded", review.pk, proposal.code, reviewer.pk)
    return review


def withdraw_review(review_id: int, reviewer) -> bool:
    """Remove the caller's own review and undo its effect on the counters."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .filter(pk=review_id, reviewer=reviewer)
            .first()
        )
        if review is None:
            return False
        Proposal.objects.filter(pk=review.proposal_id).update(
            review_count=F("review_count") - 1,
            score_total=F("score_total") - review.score,
        )
        review.delete()
    return True


def semester_ranking(semester: str, min_reviews: int = 0) -> list[dict]:
    """Ranked proposals for a semester; one query however many proposals there are."""
    proposals = (
        Proposal.objects.filter(semester=semester)
        .select_related("principal_investigator")
        .annotate(mean_score=Avg("reviews__score"), n_reviews=Count("reviews"))
        .filter(Q(n_reviews__gte=min_reviews))
        .order_by(F("mean_score").desc(nulls_last=True), "code")
    )
    rows = []
    for proposal in proposals:  # ok: DB001
        pi = proposal.principal_investigator
        rows.append(
            {
                "code": proposal.code,
                "title": proposal.title,
                "pi": pi.get_full_name() or pi.username,
                "reviews": proposal.n_reviews,
                "mean_score": round(proposal.mean_score, 2) if proposal.mean_score is not None else None,
                "hours_requested": proposal.hours_requested,
            }
        )
    return rows


def oversubscription(semester: str, hours_on_offer: Decimal) -> Decimal:
    """Ratio of hours requested to hours on offer, as reported to the board."""
    requested = Proposal.objects.filter(semester=semester).aggregate(hours=Sum("hours_requested"))["hours"]
    if not requested or not hours_on_offer:
        return Decimal("0")
    return (requested / hours_on_offer).quantize(Decimal("0.01"))
