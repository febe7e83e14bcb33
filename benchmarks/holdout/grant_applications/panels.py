"""Panel administration: reviewer assignment and funding decisions."""
from __future__ import annotations

import itertools
import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView

from .forms import RoundAssignmentForm
from .models import Application, GrantRound, Review, ReviewerAssignment
from .notifications import queue_decision_email

logger = logging.getLogger(__name__)


class AssignReviewersView(PermissionRequiredMixin, FormView):
    permission_required = "grants.add_reviewerassignment"
    form_class = RoundAssignmentForm
    template_name = "grants/assign_reviewers.html"

    def form_valid(self, form):
        grant_round = get_object_or_404(GrantRound, pk=self.kwargs["round_id"])
        per_app = form.cleaned_data["reviewers_per_application"]
        reviewers = list(
            get_user_model().objects.filter(groups__name="reviewers", is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        if len(reviewers) < per_app:
            messages.error(self.request, "Not enough active reviewers.")
            return self.form_invalid(form)

        application_ids = Application.objects.filter(
            grant_round=grant_round, status=Application.Status.SUBMITTED
        ).values_list("pk", flat=True)
        cycle = itertools.cycle(reviewers)
        rows = [
            ReviewerAssignment(grant_round=grant_round, application_id=app_id, reviewer_id=next(cycle))
            for app_id in application_ids.iterator(chunk_size=500)
            for _ in range(per_app)
        ]
        with transaction.atomic():
            ReviewerAssignment.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)  # ok: DB005, DB003
        logger.info("assigned reviewers round=%s rows=%s by=%s", grant_round.pk, len(rows), self.request.user.pk)
        messages.success(self.request, f"{len(rows)} assignments created.")
        return redirect("grants:round_admin", round_id=grant_round.pk)


class RecomputeScoresView(PermissionRequiredMixin, View):
    permission_required = "grants.change_application"

    def post(self, request, round_id: int):
        per_app = Review.objects.filter(application=OuterRef("pk")).values("application")
        total_sq = per_app.annotate(total=Sum("score")).values("total")
        count_sq = per_app.annotate(n=Count("id")).values("n")
        with transaction.atomic():
            Application.objects.filter(grant_round_id=round_id).update(
                score_total=Coalesce(Subquery(total_sq), 0),
                review_count=Coalesce(Subquery(count_sq), 0),
            )
        logger.info("scores recomputed round=%s by=%s", round_id, request.user.pk)
        return redirect("grants:round_admin", round_id=round_id)


class FundApplicationView(PermissionRequiredMixin, View):
    permission_required = "grants.change_grantround"

    def post(self, request, pk: int):
        with transaction.atomic():
            application = get_object_or_404(Application.objects.select_for_update(), pk=pk)
            grant_round = GrantRound.objects.select_for_update().get(pk=application.grant_round_id)  # ok: DB004
            if application.status != Application.Status.SUBMITTED:
                messages.error(request, "Only submitted applications can be funded.")
                return redirect("grants:round_admin", round_id=grant_round.pk)
            if grant_round.budget < application.amount_requested:
                messages.error(request, "Remaining budget is too small.")
                return redirect("grants:round_admin", round_id=grant_round.pk)
            GrantRound.objects.filter(pk=grant_round.pk).update(budget=F("budget") - application.amount_requested)  # ok: DB004
            application.status = Application.Status.FUNDED
            application.save(update_fields=["status"])
            transaction.on_commit(lambda: queue_decision_email(application.pk))  # ok: REL004
        logger.info("application funded id=%s by=%s", pk, request.user.pk)
        messages.success(request, "Application funded.")
        return redirect("grants:round_admin", round_id=application.grant_round_id)
