import io
import logging
import os
import threading

from django.conf import settings
from django.shortcuts import get_object_or_404
from PIL import Image, ImageOps, UnidentifiedImageError
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Recipe

logger = logging.getLogger(__name__)

UPLOAD_ROOT = os.path.join(settings.MEDIA_ROOT, "uploads")
VARIANTS = {"card": (480, 320), "hero": (1280, 720), "square": (400, 400)}


def _render_variants(source_path: str, recipe_id: int) -> None:
    try:
        with Image.open(source_path) as img:
            img = ImageOps.exif_transpose(img).convert("RGB")
            for name, size in VARIANTS.items():
                variant = ImageOps.fit(img, size, Image.Resampling.LANCZOS)
                target = os.path.join(UPLOAD_ROOT, f"{recipe_id}_{name}.jpg")
                variant.save(target, "JPEG", quality=85, optimize=True)
        Recipe.objects.filter(pk=recipe_id).update(thumbnail=f"uploads/{recipe_id}_card.jpg")
    except OSError:
        logger.exception("variant rendering failed recipe=%s", recipe_id)


class RecipeImageUploadView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def post(self, request, slug):
        recipe = get_object_or_404(Recipe, slug=slug, creator__user=request.user)  # ok: SEC018
        upload = request.FILES.get("image")
        if upload is None:
            return Response({"detail": "image is required"}, status=status.HTTP_400_BAD_REQUEST)

        raw = upload.read()  # expect: SEC019
        try:
            with Image.open(io.BytesIO(raw)) as probe:
                probe.verify()
        except (UnidentifiedImageError, OSError):
            return Response({"detail": "Unsupported image."}, status=status.HTTP_400_BAD_REQUEST)

        os.makedirs(UPLOAD_ROOT, exist_ok=True)
        source_path = os.path.join(UPLOAD_ROOT, upload.name)  # expect: SEC015
        with open(source_path, "wb") as fh:  # expect: SCL002
            fh.write(raw)
        recipe.image.name = f"uploads/{upload.name}"
        recipe.save(update_fields=["image"])

        threading.Thread(target=_render_variants, args=(source_path, recipe.id), daemon=True).start()  # expect: CON003, REL005
        logger.info("image uploaded recipe=%s bytes=%d", recipe.id, len(raw))
        return Response({"status": "processing", "image": recipe.image.name}, status=status.HTTP_202_ACCEPTED)
