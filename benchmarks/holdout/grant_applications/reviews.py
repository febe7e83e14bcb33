"""Reviewer scoring: queue of assigned applications and the score form."""
from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, ListView

from .forms import ReviewForm
from .models import Application, Review, ReviewerAssignment

logger = logging.getLogger(__name__)


class ReviewQueueView(LoginRequiredMixin, ListView):
    template_name = "grants/review_queue.html"
    context_object_name = "assignments"
    paginate_by = 25

    def get_queryset(self):
        return (
            ReviewerAssignment.objects.filter(reviewer=self.request.user)
            .select_related("application", "application__grant_round")
            .exclude(application__reviews__reviewer=self.request.user)
            .order_by("application__grant_round__deadline", "assigned_at")
        )


class ApplicationReviewDetailView(LoginRequiredMixin, DetailView):
    template_name = "grants/review_detail.html"
    context_object_name = "application"

    def get_queryset(self):
        return (
            Application.objects.filter(assignments__reviewer=self.request.user)  # ok: SEC018
            .select_related("grant_round")
            .prefetch_related("attachments")
        )


class ReviewCreateView(LoginRequiredMixin, CreateView):
    model = Review
    form_class = ReviewForm
    template_name = "grants/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.application = get_object_or_404(Application, pk=kwargs["pk"])  # todo-expect: SEC018
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.application
        return context

    def form_valid(self, form):
        review = form.save(commit=False)
        review.application = self.application
        review.reviewer = self.request.user
        try:
            with transaction.atomic():
                review.save()  # ok: DB005
        except IntegrityError:
            messages.warning(self.request, "You have already reviewed this application.")
            return redirect("grants:review_queue")

        application = self.application
        application.score_total += review.score
        application.review_count += 1
        application.save(update_fields=["score_total", "review_count"])  # expect: DB004

        logger.info(
            "review saved application=%s reviewer=%s score=%s",
            application.pk, self.request.user.pk, review.score,
        )
        messages.success(self.request, "Thank you, your score was recorded.")
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("grants:review_queue")


class MyReviewsView(LoginRequiredMixin, ListView):
    template_name = "grants/my_reviews.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        return (
            Review.objects.filter(reviewer=self.request.user)
            .select_related("application", "application__grant_round")
            .order_by("-created_at")
        )
