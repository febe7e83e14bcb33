"""Site-survey photos uploaded by estimators from the roof."""
import logging
import os
import subprocess
import threading

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from estimates.models import QuoteRequest, SitePhoto

logger = logging.getLogger(__name__)


def _survey_dir(quote_id):
    path = os.path.join(settings.MEDIA_ROOT, "surveys", str(quote_id))
    os.makedirs(path, exist_ok=True)
    return path


def _make_thumbnail(photo_id, source_path):
    root, _ = os.path.splitext(source_path)
    thumb_path = f"{root}_thumb.jpg"
    try:
        subprocess.run(  # expect: SEC002
            f"convert '{source_path}' -auto-orient -thumbnail 480x480 '{thumb_path}'",
            shell=True, check=True, timeout=60,
        )
    except subprocess.SubprocessError:
        logger.exception("thumbnail failed for photo %s", photo_id)
        return
    SitePhoto.objects.filter(pk=photo_id).update(thumbnail_key=thumb_path)


@login_required
@require_POST
def upload_survey_photo(request, quote_id):
    quote = get_object_or_404(QuoteRequest, pk=quote_id, estimator=request.user)  # ok: SEC018
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": "photo_required"}, status=400)

    destination = os.path.join(_survey_dir(quote.pk), upload.name)  # expect: SEC015
    with open(destination, "wb") as out:  # expect: SEC019, SCL002
        for chunk in upload.chunks():
            out.write(chunk)

    photo = SitePhoto.objects.create(
        quote=quote,
        storage_key=destination,
        content_type=upload.content_type,
        size_bytes=upload.size,
        uploaded_by=request.user,
    )
    threading.Thread(target=_make_thumbnail, args=(photo.pk, destination), daemon=True).start()  # expect: CON003
    logger.info("survey photo %s stored for quote %s", photo.pk, quote.pk)
    return JsonResponse({"id": photo.pk, "size": upload.size}, status=201)


@login_required
def photo_file(request, photo_id, size="full"):
    photo = get_object_or_404(SitePhoto.objects.select_related("quote__customer"), pk=photo_id)
    allowed = (photo.quote.estimator_id == request.user.pk
               or photo.quote.customer.user_id == request.user.pk)
    if not allowed:
        raise Http404
    path = photo.thumbnail_key if size == "thumb" and photo.thumbnail_key else photo.storage_key
    return FileResponse(open(path, "rb"), content_type=photo.content_type)


@login_required
@require_POST
def delete_photo(request, photo_id):
    photo = get_object_or_404(SitePhoto, pk=photo_id, quote__estimator=request.user)
    for path in filter(None, [photo.storage_key, photo.thumbnail_key]):
        try:
            os.remove(path)
        except FileNotFoundError:
            logger.info("photo file %s already gone", path)
    photo.delete()
    return JsonResponse({"deleted": photo_id})
