"""Session recordings: provider webhook, copy into S3, playback links."""
import hashlib
import hmac
import json
import logging

import boto3
import requests
from celery import shared_task
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bookings.models import TutoringSession

logger = logging.getLogger(__name__)
s3 = boto3.client("s3")


def _provider_headers() -> dict:
    return {"Authorization": f"Bearer {settings.VIDEO_API_KEY}"}


@csrf_exempt  # ok: SEC014
@require_POST
def recording_ready_webhook(request):
    expected = hmac.new(settings.VIDEO_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Roomcast-Signature", "")):
        return HttpResponseForbidden("bad signature")
    event = json.loads(request.body)
    if event.get("type") == "recording.ready":
        room_name = event["payload"]["room_name"]
        session_id = int(room_name.removeprefix("tutoring-"))
        archive_recording.delay(session_id, event["payload"]["recording_id"])
    return HttpResponse(status=204)


@shared_task
def archive_recording(session_id: int, recording_id: str) -> None:
    session = TutoringSession.objects.get(pk=session_id)
    link = requests.get(f"{settings.VIDEO_API_BASE}/recordings/{recording_id}/access-link", headers=_provider_headers())  # expect: REL001
    link.raise_for_status()
    download = requests.get(link.json()["download_link"], timeout=30)  # ok: REL001
    download.raise_for_status()
    video = download.content  # expect: RES003
    key = f"recordings/{session.tutor_id}/{session.id}.mp4"
    s3.put_object(Bucket=settings.RECORDINGS_BUCKET, Key=key, Body=video, ContentType="video/mp4")
    TutoringSession.objects.filter(pk=session_id).update(recording_key=key)
    logger.info("recording archived session_id=%s bytes=%d", session_id, len(video))
    try:
        requests.delete(
            f"{settings.VIDEO_API_BASE}/recordings/{recording_id}", headers=_provider_headers(), timeout=10
        )
    except Exception:  # expect: ERR001
        pass


@login_required
@require_GET
def recording_link(request, session_id: int):
    session = get_object_or_404(TutoringSession.objects.select_related("tutor", "student"), pk=session_id)
    if request.user.id not in (session.tutor.user_id, session.student.user_id):
        return JsonResponse({"error": "not your session"}, status=403)
    if not session.recording_key:
        return JsonResponse({"error": "recording not available yet"}, status=404)
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.RECORDINGS_BUCKET, "Key": session.recording_key},
        ExpiresIn=900,
    )
    return JsonResponse({"url": url, "expires_in": 900})
