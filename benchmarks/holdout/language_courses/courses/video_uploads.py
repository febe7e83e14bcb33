import hashlib
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .models import Lesson
from .transcoding import transcode_lesson_video

logger = logging.getLogger(__name__)

INCOMING_DIR = os.path.join(settings.MEDIA_ROOT, "incoming")
ALLOWED_EXTENSIONS = {".mp4", ".mov", ".webm", ".mkv"}


def _lesson_for_teacher(request, lesson_id):
    lesson = get_object_or_404(Lesson.objects.select_related("course__teacher"), pk=lesson_id)
    if lesson.course.teacher.user_id != request.user.id:
        return None
    return lesson


@method_decorator(login_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")  # expect: SEC014
class LessonVideoUploadView(View):
    """Receives the lesson video from the teacher dashboard uploader."""

    def post(self, request, lesson_id):
        lesson = _lesson_for_teacher(request, lesson_id)
        if lesson is None:
            return HttpResponseForbidden()

        upload = request.FILES.get("video")
        if upload is None:
            return JsonResponse({"error": "missing file"}, status=400)
        ext = os.path.splitext(upload.name)[1].lower()
        if ext not in ALLOWED_EXTENSIONS:
            return JsonResponse({"error": f"unsupported format {ext}"}, status=400)

        data = upload.read()  # expect: SEC019
        checksum = hashlib.sha256(data).hexdigest()
        if checksum == lesson.source_checksum and lesson.transcode_status == Lesson.READY:
            return JsonResponse({"lesson": lesson.pk, "status": "unchanged"})

        os.makedirs(INCOMING_DIR, exist_ok=True)
        dest = os.path.join(INCOMING_DIR, f"{lesson.pk}-{checksum[:12]}-{upload.name}")
        with open(dest, "wb") as fh:  # expect: SCL002
            fh.write(data)

        lesson.source_checksum = checksum
        lesson.transcode_status = Lesson.PENDING
        lesson.save(update_fields=["source_checksum", "transcode_status"])
        transcode_lesson_video.delay(lesson.pk, dest)
        logger.info("queued transcode lesson=%s bytes=%s user=%s", lesson.pk, upload.size, request.user.pk)
        return JsonResponse({"lesson": lesson.pk, "status": Lesson.PENDING}, status=202)


@method_decorator(login_required, name="dispatch")
class LessonVideoStatusView(View):
    def get(self, request, lesson_id):
        lesson = _lesson_for_teacher(request, lesson_id)
        if lesson is None:
            return HttpResponseForbidden()
        return JsonResponse(
            {
                "lesson": lesson.pk,
                "status": lesson.transcode_status,
                "renditions": sorted(lesson.renditions.keys()),
                "duration_seconds": lesson.duration_seconds,
            }
        )
