"""Tutor reviews: submitting, the public review page, search and trending tutors."""
import logging
from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Review, TutoringSession, TutorProfile

logger = logging.getLogger(__name__)

_profile_views: Counter = Counter()


@login_required
@require_POST
def submit_review(request, session_id: int):
    session = get_object_or_404(
        TutoringSession,
        pk=session_id,
        student__user=request.user,
        status=TutoringSession.Status.COMPLETED,
    )
    try:
        stars = int(request.POST.get("stars", ""))
    except ValueError:
        stars = 0
    if not 1 <= stars <= 5:
        return JsonResponse({"error": "stars must be 1-5"}, status=400)
    body = request.POST.get("body", "").strip()[:2000]
    try:
        with transaction.atomic():
            Review.objects.create(
                session=session, tutor_id=session.tutor_id, student_id=session.student_id, stars=stars, body=body
            )
            TutorProfile.objects.filter(pk=session.tutor_id).update(
                rating_total=F("rating_total") + stars, rating_count=F("rating_count") + 1  # ok: DB004
            )
    except IntegrityError:
        return JsonResponse({"error": "this session has already been reviewed"}, status=409)
    logger.info("review created session_id=%s tutor_id=%s", session.id, session.tutor_id)
    return JsonResponse({"status": "created"}, status=201)


@require_GET
def tutor_reviews_page(request, tutor_id: int):
    tutor = get_object_or_404(TutorProfile.objects.select_related("user"), pk=tutor_id, is_active=True)
    _profile_views[tutor_id] += 1  # expect: CON002
    reviews = tutor.reviews.select_related("student__user").order_by("-created_at")[:20]
    rendered = []
    for review in reviews:
        rendered.append({
            "stars": review.stars,
            "author": review.student.user.first_name,
            "created_at": review.created_at,
            "body": mark_safe(review.body.replace("\n", "<br>")),  # expect: SEC016
            "reply": format_html("<p class=\"reply\">{}</p>", review.tutor_reply) if review.tutor_reply else "",  # ok: SEC016
        })
    return render(request, "reviews/tutor_reviews.html", {"tutor": tutor, "reviews": rendered})


@require_GET
def trending_tutors(request):
    top_ids = [tutor_id for tutor_id, _ in _profile_views.most_common(10)]
    tutors = TutorProfile.objects.filter(pk__in=top_ids, is_active=True).select_related("user")
    by_id = {t.id: t for t in tutors}
    return JsonResponse({
        "tutors": [
            {"id": tid, "name": by_id[tid].user.get_full_name(), "headline": by_id[tid].headline}
            for tid in top_ids
            if tid in by_id
        ]
    })


@require_GET
def search_reviews(request):
    query = request.GET.get("q", "").strip()
    subject = request.GET.get("subject", "").strip()
    reviews = Review.objects.select_related("tutor__user")
    if subject:
        reviews = reviews.extra(
            where=[f"tutor_id IN (SELECT tutorprofile_id FROM bookings_tutorprofile_subjects WHERE subject_id = {subject})"]  # expect: SEC001
        )
    if query:
        reviews = reviews.filter(body__icontains=query)  # expect: DB006
    results = [
        {"tutor_id": r.tutor_id, "tutor": r.tutor.user.get_full_name(), "stars": r.stars, "body": r.body[:300]}
        for r in reviews.order_by("-created_at")[:50]
    ]
    return JsonResponse({"results": results})
