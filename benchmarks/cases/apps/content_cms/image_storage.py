"""Editor endpoints that store uploaded images in object storage and queue thumbnail rendering."""

import logging
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import MediaAsset
from .tasks import render_thumbnail

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}  # ok: SCL001
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FOLDERS = frozenset({"articles", "authors", "banners"})

s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3}))


@login_required
@require_POST
def upload_image(request):
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "file is required"}, status=400)
    extension = ALLOWED_TYPES.get(upload.content_type)
    if extension is None or upload.size > MAX_UPLOAD_BYTES:
        return JsonResponse({"error": "only JPEG, PNG or WebP images up to 10 MB"}, status=400)
    folder = request.POST.get("folder", "articles")
    if folder not in FOLDERS:
        return JsonResponse({"error": "unknown folder"}, status=400)

    key = f"{folder}/{uuid.uuid4()}.{extension}"  # ok: SEC015
    s3.upload_fileobj(upload, settings.MEDIA_BUCKET, key, ExtraArgs={"ContentType": upload.content_type})
    try:
        with transaction.atomic():
            asset = MediaAsset.objects.create(path=key, uploaded_by=request.user, size=upload.size)
            transaction.on_commit(lambda: render_thumbnail.delay(asset.pk))
    except DatabaseError:
        s3.delete_object(Bucket=settings.MEDIA_BUCKET, Key=key)
        raise
    logger.info("media asset %s uploaded by user %s", asset.pk, request.user.pk)
    return JsonResponse({"id": asset.pk, "key": key}, status=201)


@login_required
@require_POST
def delete_image(request, asset_id):
    asset = MediaAsset.objects.filter(pk=asset_id, uploaded_by=request.user).first()
    if asset is None:
        return JsonResponse({"error": "not found"}, status=404)
    try:
        s3.delete_object(Bucket=settings.MEDIA_BUCKET, Key=asset.path)
    except (BotoCoreError, ClientError):  # ok: ERR002
        logger.exception("could not delete object %s for asset %s", asset.path, asset.pk)
        return JsonResponse({"error": "storage unavailable, try again later"}, status=502)
    asset.delete()
    logger.info("media asset %s deleted by user %s", asset.pk, request.user.pk)
    return JsonResponse({"deleted": True})
