import logging

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView

from cfp.models import ReviewAssignment, Submission

logger = logging.getLogger(__name__)


class ScoreForm(forms.Form):
    score = forms.IntegerField(min_value=1, max_value=5)
    comments = forms.CharField(widget=forms.Textarea, max_length=5000, required=False)


class MyAssignmentsView(LoginRequiredMixin, ListView):
    template_name = "cfp/my_assignments.html"
    context_object_name = "assignments"
    paginate_by = 25  # ok: DB002

    def get_queryset(self):
        return (
            ReviewAssignment.objects.filter(reviewer=self.request.user)
            .select_related("submission", "submission__conference")  # ok: DB001
            .order_by("score", "-created_at")
        )


class SubmitScoreView(LoginRequiredMixin, FormView):
    form_class = ScoreForm
    template_name = "cfp/score_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = get_object_or_404(
            ReviewAssignment.objects.select_related("submission"),
            pk=kwargs["pk"],
            reviewer=request.user,  # ok: SEC018
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"score": self.assignment.score, "comments": self.assignment.comments}

    def form_valid(self, form):
        with transaction.atomic():
            assignment = ReviewAssignment.objects.select_for_update().get(pk=self.assignment.pk)  # ok: DB004
            first_score = assignment.score is None
            assignment.score = form.cleaned_data["score"]
            assignment.comments = form.cleaned_data["comments"]
            assignment.save(update_fields=["score", "comments"])
            if first_score:
                Submission.objects.filter(pk=assignment.submission_id).update(
                    review_count=F("review_count") + 1  # ok: DB004
                )
        logger.info(
            "assignment %s scored %s by reviewer %s",
            assignment.pk,
            assignment.score,
            self.request.user.pk,
        )
        return redirect("cfp:my-assignments")
