import io
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from ..models import Recipe

logger = logging.getLogger(__name__)

CARD_SIZE = (480, 320)
MAX_PIXELS = 40_000_000
BACKFILL_BATCH = 500

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, acks_late=True)
def build_thumbnail(self, recipe_id: int) -> str | None:
    recipe = Recipe.objects.filter(pk=recipe_id).only("id", "image").first()
    if recipe is None or not recipe.image:
        return None

    try:
        with default_storage.open(recipe.image.name, "rb") as fh:  # ok: RES001
            with Image.open(fh) as img:
                img = ImageOps.exif_transpose(img).convert("RGB")
                card = ImageOps.fit(img, CARD_SIZE, Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                card.save(buffer, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("recipe %s has an unusable image %s", recipe_id, recipe.image.name, exc_info=True)
        return None

    name = f"thumbs/{recipe.id}/card.jpg"
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(buffer.getvalue()))  # ok: SCL002
    Recipe.objects.filter(pk=recipe.id).update(thumbnail=saved)
    logger.info("thumbnail built recipe=%s name=%s", recipe.id, saved)
    return saved


@shared_task
def backfill_thumbnails() -> int:
    pending = (
        Recipe.objects.filter(thumbnail="")
        .exclude(image="")
        .order_by("id")
        .values_list("id", flat=True)[:BACKFILL_BATCH]
    )
    queued = 0
    for recipe_id in pending:  # ok: DB001
        build_thumbnail.delay(recipe_id)
        queued += 1
    if queued:
        logger.info("queued %d thumbnail builds", queued)
    return queued
