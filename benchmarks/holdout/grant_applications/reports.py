"""Round reports for the grants office: CSV download and score overview."""
from __future__ import annotations

import csv
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Application, GrantRound, Review

logger = logging.getLogger(__name__)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _rows(grant_round: GrantRound):
    yield ["reference", "applicant", "email", "title", "requested", "status", "reviews", "average", "reviewers"]
    reviews = Prefetch("reviews", queryset=Review.objects.select_related("reviewer").order_by("created_at"))
    applications = (
        Application.objects.filter(grant_round=grant_round)
        .select_related("applicant")
        .prefetch_related(reviews)
        .order_by("pk")
    )
    for application in applications.iterator(chunk_size=500):  # ok: DB002
        reviewers = "; ".join(
            f"{r.reviewer.get_full_name()} ({r.score})" for r in application.reviews.all()  # ok: DB001
        )
        yield [
            f"GA-{application.pk}",
            _csv_safe(application.applicant.get_full_name()),
            application.applicant.email,
            _csv_safe(application.title),
            str(application.amount_requested),
            application.status,
            application.review_count,
            application.average_score,
            _csv_safe(reviewers),
        ]


@staff_member_required
def round_csv(request, round_id: int):
    grant_round = get_object_or_404(GrantRound, pk=round_id)
    writer = csv.writer(_Echo())
    logger.info("round csv export round=%s by=%s", round_id, request.user.pk)
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(grant_round)),
        content_type="text/csv",
    )
    response["Content-Disposition"] = f'attachment; filename="round-{grant_round.pk}.csv"'
    return response


@staff_member_required
def round_overview(request, round_id: int):
    grant_round = get_object_or_404(GrantRound, pk=round_id)
    totals = Application.objects.filter(grant_round=grant_round).aggregate(
        submitted=Count("pk"),
        requested=Sum("amount_requested"),
    )
    ranked = (
        Application.objects.filter(grant_round=grant_round, review_count__gt=0)
        .select_related("applicant")
        .annotate(n_reviews=Count("reviews"))
        .order_by("-score_total", "pk")
    )
    page = Paginator(ranked, 50).get_page(request.GET.get("page"))  # ok: DB002
    return render(
        request,
        "grants/round_overview.html",
        {"round": grant_round, "totals": totals, "page": page},
    )
