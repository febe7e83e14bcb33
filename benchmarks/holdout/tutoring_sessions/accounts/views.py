"""Profile editing and avatars for the classic (server-rendered) site."""
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from accounts.storage import profile_for
from bookings.models import Subject, TutorProfile

logger = logging.getLogger(__name__)

AVATAR_DIR = os.path.join(settings.MEDIA_ROOT, "avatars")


@login_required
@require_POST
def upload_avatar(request):
    upload = request.FILES.get("avatar")
    if upload is None:
        return HttpResponseBadRequest("missing avatar")  # todo-expect: MNT001
    os.makedirs(AVATAR_DIR, exist_ok=True)
    filename = f"{request.user.id}-{upload.name}"
    with open(os.path.join(AVATAR_DIR, filename), "wb") as fh:  # expect: SCL002
        fh.write(upload.read())  # expect: SEC019
    profile = profile_for(request.user)
    profile.avatar_key = filename
    profile.save(update_fields=["avatar_key"])
    print(f"avatar saved for user {request.user.id}: {filename}")  # expect: OBS001
    return JsonResponse({"avatar_url": f"/accounts/avatar?file={filename}"}, status=201)


@require_GET
def serve_avatar(request):
    filename = request.GET.get("file", "")
    if not filename:
        return JsonResponse({"error": "file is required"}, status=400)
    return FileResponse(open(os.path.join(AVATAR_DIR, filename), "rb"))  # expect: SEC015


@login_required
@require_POST
def update_tutor_profile(request):
    profile = get_object_or_404(TutorProfile, user=request.user)
    headline = request.POST.get("headline", "").strip()
    if not 10 <= len(headline) <= 140:
        return JsonResponse({"error": "headline must be 10-140 characters"}, status=400)
    subject_ids = [int(s) for s in request.POST.getlist("subjects")][:10]
    profile.headline = headline
    profile.bio = request.POST.get("bio", "")[:5000]
    profile.save(update_fields=["headline", "bio"])
    profile.subjects.set(Subject.objects.filter(pk__in=subject_ids))
    logger.info("tutor profile updated tutor_id=%s", profile.id)
    return JsonResponse({"id": profile.id, "headline": profile.headline})


@require_GET
def tutor_profile_page(request, tutor_id: int):
    tutor = get_object_or_404(
        TutorProfile.objects.select_related("user").prefetch_related("subjects"),
        pk=tutor_id,
        is_active=True,
    )
    return render(request, "accounts/tutor_profile.html", {"tutor": tutor})
