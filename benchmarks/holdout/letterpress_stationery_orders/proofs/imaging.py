"""Image handling for proofs and customer artwork, with Pillow and the S3 media bucket."""

import io
import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from huey.contrib.djhuey import db_task
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

Image.MAX_IMAGE_PIXELS = 80_000_000
PREVIEW_BOX = (1400, 1400)
ALLOWED_FORMATS = {"PNG", "JPEG", "TIFF"}


class UnusableImage(Exception):
    pass


def build_preview(fileobj) -> bytes:
    """Return a watermarked JPEG preview; rejects files Pillow cannot identify."""
    try:
        with Image.open(fileobj) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise UnusableImage(f"unsupported format {probe.format}")
            probe.verify()
        fileobj.seek(0)
        with Image.open(fileobj) as img:
            img = ImageOps.exif_transpose(img).convert("RGB")
            img.thumbnail(PREVIEW_BOX)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise UnusableImage(str(exc)) from exc

    draw = ImageDraw.Draw(img)
    w, h = img.size
    for y in range(0, h, 220):
        draw.text((w // 6, y), "PROOF  -  NOT FOR PRINT", fill=(200, 200, 200))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def store_customer_artwork(order, upload, note: str) -> str:
    """Save a customer's artwork to the media bucket under the order's folder."""
    name = get_valid_filename(Path(upload.name).name) or "artwork"
    key = default_storage.save(f"artwork/{order.reference}/{name}", upload)  # ok: SCL002
    logger.info("artwork stored", extra={"order_ref": order.reference})
    if note:
        default_storage.save(f"artwork/{order.reference}/note.txt", ContentFile(note.encode("utf-8")))
    return key


@db_task(retries=2, retry_delay=60)
def render_proof_preview(proof_id: int) -> None:
    """Rebuild the preview for a proof whose original is already in the bucket."""
    from orders.models import Proof

    proof = Proof.objects.select_related("order").get(pk=proof_id)
    with proof.image.open("rb") as fh:
        data = build_preview(io.BytesIO(fh.read()))
    name = f"previews/{proof.order.reference}-v{proof.version}.jpg"
    proof.preview.save(name, ContentFile(data), save=False)
    Proof.objects.filter(pk=proof.pk).update(preview=proof.preview.name)
    logger.info("proof preview rendered", extra={"proof_id": proof_id})
