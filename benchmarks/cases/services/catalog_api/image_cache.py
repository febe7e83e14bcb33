"""Product image endpoint: serves resized product images from the local media volume."""
import io
import logging
import os

from fastapi import APIRouter, HTTPException, Query, Response
from PIL import Image

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/images")

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/srv/media/products")
ALLOWED_WIDTHS = {160, 320, 640, 1280}

_resized: dict[tuple[str, int], bytes] = {}  # expect: RES002


def _resize(original: bytes, width: int) -> bytes:
    with Image.open(io.BytesIO(original)) as img:
        ratio = width / img.width
        resized = img.resize((width, max(1, int(img.height * ratio))))
        out = io.BytesIO()
        resized.convert("RGB").save(out, format="WEBP", quality=82)
        return out.getvalue()


@router.get("/{sku}.webp")
async def product_image(sku: str, w: int = Query(640)):
    if w not in ALLOWED_WIDTHS:
        raise HTTPException(status_code=400, detail="unsupported width")
    if not sku.isalnum():
        raise HTTPException(status_code=404, detail="image not found")
    key = (sku, w)
    if key not in _resized:
        path = os.path.join(MEDIA_ROOT, f"{sku}.jpg")
        if not os.path.exists(path):
            raise HTTPException(status_code=404, detail="image not found")
        original = open(path, "rb").read()  # expect: CON001, RES001
        _resized[key] = _resize(original, w)  # expect: CON002
        logger.debug("resized %s to %spx", sku, w)
    return Response(
        content=_resized[key],
        media_type="image/webp",
        headers={"Cache-Control": "public, max-age=86400"},
    )
