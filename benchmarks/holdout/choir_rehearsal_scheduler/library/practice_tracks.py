"""Practice tracks (section MP3s): upload to the media bucket, download by id."""
import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_GET, require_POST

from rehearsals.models import Choir, Member, PracticeTrack, Section

logger = logging.getLogger(__name__)

MAX_TRACK_BYTES = 25 * 1024 * 1024
_AUDIO_MAGIC = (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")


def _looks_like_mp3(upload) -> bool:
    head = upload.read(3)
    upload.seek(0)
    return any(head.startswith(m) for m in _AUDIO_MAGIC)


@login_required
@require_POST
def upload_track(request, choir_slug):
    choir = get_object_or_404(Choir, slug=choir_slug)
    uploader = get_object_or_404(
        Member, user=request.user, choir=choir, active=True,
        role__in=[Member.ROLE_LIBRARIAN, Member.ROLE_LEADER, Member.ROLE_ADMIN],
    )
    upload = request.FILES.get("track")
    title = request.POST.get("title", "").strip()
    if upload is None or not title:
        return JsonResponse({"error": "track file and title are required"}, status=400)
    if upload.size > MAX_TRACK_BYTES:  # ok: SEC019
        return JsonResponse({"error": "tracks are limited to 25 MB"}, status=413)
    if not _looks_like_mp3(upload):
        return JsonResponse({"error": "only MP3 files are accepted"}, status=415)

    section = None
    if request.POST.get("section_id"):
        section = get_object_or_404(Section, pk=request.POST["section_id"], choir=choir)

    download_name = get_valid_filename(upload.name) or "track.mp3"
    key = f"tracks/{choir.id}/{uuid.uuid4().hex}.mp3"
    stored_key = default_storage.save(key, upload)  # ok: SCL002, SEC015
    track = PracticeTrack.objects.create(
        choir=choir,
        section=section,
        title=title,
        storage_key=stored_key,
        download_name=download_name,
        size_bytes=upload.size,
        uploaded_by=uploader,
    )
    logger.info("member %s uploaded track %s to choir %s", uploader.id, track.id, choir.id)
    return JsonResponse({"id": track.id, "title": track.title}, status=201)


@login_required
@require_GET
def download_track(request, track_id):
    track = get_object_or_404(  # ok: SEC018
        PracticeTrack,
        pk=track_id,
        choir__members__user=request.user,
        choir__members__active=True,
    )
    handle = default_storage.open(track.storage_key, "rb")
    return FileResponse(handle, as_attachment=True, filename=track.download_name, content_type="audio/mpeg")
