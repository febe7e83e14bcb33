"""Avatar uploads stored in S3 and served through short-lived links."""
import logging
import uuid

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.views import View

from bookings.models import StudentProfile, TutorProfile

logger = logging.getLogger(__name__)

MAX_AVATAR_BYTES = 2 * 1024 * 1024
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

_s3 = boto3.client(
    "s3",
    config=BotoConfig(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}),
)


def sniff_image_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def profile_for(user):
    """The tutor profile if the user teaches, otherwise the student profile."""
    try:
        return user.tutor_profile
    except TutorProfile.DoesNotExist:
        return StudentProfile.objects.get_or_create(user=user)[0]


def avatar_url(key: str) -> str:
    return _s3.generate_presigned_url(
        "get_object", Params={"Bucket": settings.AVATAR_BUCKET, "Key": key}, ExpiresIn=3600
    )


class AvatarUploadView(LoginRequiredMixin, View):
    def post(self, request):
        upload = request.FILES.get("avatar")
        if upload is None:
            return JsonResponse({"error": "missing avatar"}, status=400)
        if upload.size > MAX_AVATAR_BYTES:  # ok: SEC019
            return JsonResponse({"error": "avatar must be 2 MB or smaller"}, status=413)
        content_type = sniff_image_type(upload.read(16))
        upload.seek(0)
        if content_type is None:
            return JsonResponse({"error": "avatar must be a JPEG, PNG or WebP image"}, status=415)

        key = f"avatars/{request.user.id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
        try:
            _s3.upload_fileobj(
                upload, settings.AVATAR_BUCKET, key,
                ExtraArgs={"ContentType": content_type, "CacheControl": "max-age=86400"},
            )
        except (BotoCoreError, ClientError):
            logger.exception("avatar upload failed user_id=%s", request.user.id)
            return JsonResponse({"error": "upload failed, please try again"}, status=503)

        profile = profile_for(request.user)
        profile.avatar_key = key
        profile.save(update_fields=["avatar_key"])
        logger.info("avatar updated user_id=%s key=%s", request.user.id, key)
        return JsonResponse({"avatar_url": avatar_url(key)}, status=201)


class TutorAvatarView(View):
    """Public: tutor avatars appear on search results."""

    def get(self, request, tutor_id: int):
        key = (
            TutorProfile.objects.filter(pk=tutor_id, is_active=True)
            .values_list("avatar_key", flat=True)
            .first()
        )
        if not key:
            raise Http404("no avatar")
        return HttpResponseRedirect(avatar_url(key))
