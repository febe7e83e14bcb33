"""Editor endpoints that store uploaded media files and build thumbnails for the CMS."""

import logging
import os
import threading

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import MediaAsset

logger = logging.getLogger(__name__)

THUMB_SIZE = "320x320"


def _make_thumbnail(source: str, thumb: str) -> None:
    os.system(f"convert '{source}' -thumbnail {THUMB_SIZE} '{thumb}'")  # expect: SEC002


@login_required
@require_POST
def upload_media(request):
    upload = request.FILES["file"]  # todo-expect: SEC019
    folder = request.POST.get("folder", "misc")
    target_dir = os.path.join(settings.MEDIA_ROOT, folder)  # expect: SEC015
    os.makedirs(target_dir, exist_ok=True)
    dest = os.path.join(target_dir, upload.name)
    with open(dest, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)
    thumb = dest.rsplit(".", 1)[0] + "_thumb.jpg"
    threading.Thread(target=_make_thumbnail, args=(dest, thumb), daemon=True).start()  # expect: CON003
    asset = MediaAsset.objects.create(
        path=os.path.relpath(dest, settings.MEDIA_ROOT),
        uploaded_by=request.user,
        size=upload.size,
    )
    logger.info("media asset %s uploaded by user %s", asset.pk, request.user.pk)
    return JsonResponse({"id": asset.pk, "url": settings.MEDIA_URL + asset.path}, status=201)


@login_required
@require_POST
def delete_media(request, asset_id):
    asset = MediaAsset.objects.filter(pk=asset_id, uploaded_by=request.user).first()
    if asset is None:
        return JsonResponse({"error": "not found"}, status=404)
    try:
        os.remove(os.path.join(settings.MEDIA_ROOT, asset.path))
    except Exception as exc:  # expect: ERR002
        logger.error(f"could not remove {asset.path}: {exc}")  # expect: OBS002
        return JsonResponse({"deleted": True})
    asset.delete()
    return JsonResponse({"deleted": True})
