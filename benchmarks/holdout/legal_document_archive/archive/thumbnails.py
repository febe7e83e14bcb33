"""First-page preview images for the document list, rendered with pdftoppm."""
import logging
import os
import subprocess
import tempfile

from archive import storage
from archive.db import get_conn
from archive.worker import celery

logger = logging.getLogger(__name__)

RENDER_TIMEOUT_SECONDS = 120
THUMB_WIDTH = 320


def _thumbnail_key(s3_key: str) -> str:
    return f"{s3_key}.thumb.png"


@celery.task(
    bind=True,
    name="archive.thumbnails.render_thumbnail",
    autoretry_for=(subprocess.TimeoutExpired, OSError),
    retry_backoff=True,
    max_retries=3,  # ok: REL002
)
def render_thumbnail(self, version_id: int) -> None:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT s3_key, mime_type FROM document_versions WHERE id = %s", (version_id,))
        row = cur.fetchone()
    if row is None or row["mime_type"] != "application/pdf":
        return

    with tempfile.TemporaryDirectory(prefix=f"thumb-{version_id}-") as workdir:  # ok: RES001
        source = os.path.join(workdir, "source.pdf")
        out_prefix = os.path.join(workdir, "page")
        storage.download_to(row["s3_key"], source)
        proc = subprocess.run(  # ok: SEC002
            [
                "pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1",
                "-scale-to-x", str(THUMB_WIDTH), "-scale-to-y", "-1",
                source, out_prefix,
            ],
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT_SECONDS,
        )
        if proc.returncode != 0:
            logger.warning("pdftoppm rc=%s for version %s: %s", proc.returncode, version_id, proc.stderr[-500:])
            return
        with open(out_prefix + ".png", "rb") as fh:
            storage.upload_stream(fh, _thumbnail_key(row["s3_key"]), "image/png")

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE document_versions SET has_thumbnail = true WHERE id = %s",
            (version_id,),
        )
        conn.commit()
    logger.info("thumbnail rendered for version %s", version_id)
