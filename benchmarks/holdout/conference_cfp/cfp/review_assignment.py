import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Avg, Count
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View

from cfp.models import ConflictOfInterest, Conference, ReviewAssignment, ReviewerProfile, Submission

logger = logging.getLogger(__name__)

REVIEWERS_PER_PAPER = 3


def _conflict_pairs(conference: Conference) -> set[tuple[int, int]]:
    speaker_ids = Submission.objects.filter(conference=conference).values_list("speaker_id", flat=True)
    return set(
        ConflictOfInterest.objects.filter(speaker_id__in=speaker_ids).values_list("reviewer_id", "speaker_id")
    )  # ok: DB001


def _pick_reviewers(submission, reviewers, conflicts, per_paper=REVIEWERS_PER_PAPER):
    candidates = [
        profile
        for profile in reviewers
        if profile.user_id != submission.speaker_id
        and (profile.user_id, submission.speaker_id) not in conflicts
        and profile.assigned_count < profile.max_load
    ]
    candidates.sort(key=lambda p: p.assigned_count)
    return candidates[:per_paper]


class AssignReviewersView(LoginRequiredMixin, View):
    def post(self, request, conference_id):
        assert request.user.is_staff, "program committee only"  # expect: SEC017
        conference = get_object_or_404(Conference, pk=conference_id)
        submissions = Submission.objects.filter(conference=conference, status="submitted").order_by("created_at")
        reviewers = list(
            ReviewerProfile.objects.filter(conferences=conference, active=True).select_related("user")
        )
        conflicts = _conflict_pairs(conference)

        created = 0
        for submission in submissions.iterator(chunk_size=200):
            for profile in _pick_reviewers(submission, reviewers, conflicts):
                if ReviewAssignment.objects.filter(submission=submission, reviewer_id=profile.user_id).exists():
                    continue
                ReviewAssignment.objects.create(submission=submission, reviewer_id=profile.user_id)  # expect: DB005
                profile.assigned_count += 1
                profile.save(update_fields=["assigned_count"])  # expect: DB004
                created += 1

        logger.info("conference %s: %d review assignments created by %s", conference.pk, created, request.user.pk)
        return JsonResponse({"conference": conference.pk, "created": created})


class RankingView(LoginRequiredMixin, View):
    def get(self, request, conference_id):
        if not request.user.is_staff:
            return HttpResponseForbidden()
        conference = get_object_or_404(Conference, pk=conference_id)
        formula = request.GET.get("formula") or conference.ranking_formula

        ranked = []
        rows = (
            Submission.objects.filter(conference=conference, status="submitted")
            .annotate(avg_score=Avg("assignments__score"), reviews=Count("assignments__score"))
            .values("pk", "title", "avg_score", "reviews")
        )
        for row in rows:
            env = {"avg": float(row["avg_score"] or 0), "reviews": row["reviews"], "min": min, "max": max}
            ranked.append({"id": row["pk"], "title": row["title"], "rank_score": eval(formula, env)})  # expect: SEC003
        ranked.sort(key=lambda r: r["rank_score"], reverse=True)
        return JsonResponse({"conference": conference.pk, "formula": formula, "ranking": ranked})
