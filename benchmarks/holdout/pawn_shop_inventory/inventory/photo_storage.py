"""Extra photos for an item already in stock, stored in the photo bucket.

Type is decided from the file's first bytes, not the client's Content-Type,
and object names are generated, never taken from the upload.
"""
import logging
import uuid

from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Item, ItemPhoto

logger = logging.getLogger(__name__)

MAX_PHOTOS_PER_REQUEST = 8
MAX_PHOTO_BYTES = 10 * 1024 * 1024

_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def _sniff(upload):
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in _SIGNATURES.items():
        if head.startswith(magic):
            return kind
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic", ".heic"
    return None


def store_item_photos(item, uploads):
    if len(uploads) > MAX_PHOTOS_PER_REQUEST:
        raise ValidationError(f"at most {MAX_PHOTOS_PER_REQUEST} photos per upload")

    stored = []
    for upload in uploads:
        if upload.size > MAX_PHOTO_BYTES:
            raise ValidationError(f"{upload.name!r} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
        kind = _sniff(upload)
        if kind is None:
            raise ValidationError(f"{upload.name!r} is not a JPEG, PNG or HEIC image")
        content_type, ext = kind
        key = f"intake/{item.pk}/{uuid.uuid4().hex}{ext}"
        saved_key = default_storage.save(key, upload)  # ok: SCL002
        stored.append(
            ItemPhoto.objects.create(
                item=item, storage_key=saved_key, content_type=content_type, size_bytes=upload.size
            )
        )
    return stored


class ItemPhotoUploadView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def post(self, request, item_id):
        item = get_object_or_404(Item, pk=item_id)
        photos = store_item_photos(item, request.FILES.getlist("photos"))  # ok: SEC019
        logger.info("stored %d photo(s) for item %s (user %s)", len(photos), item.pk, request.user.pk)
        return Response(
            {"item_id": item.pk, "photos": [p.storage_key for p in photos]},
            status=status.HTTP_201_CREATED,
        )
