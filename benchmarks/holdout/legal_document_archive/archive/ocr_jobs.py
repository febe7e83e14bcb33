"""OCR of uploaded versions with ocrmypdf; text is stored per page for search."""
import logging
import os
import shutil
import subprocess
import tempfile

from archive import storage
from archive.db import get_conn
from archive.worker import celery

logger = logging.getLogger(__name__)

OCR_TIMEOUT_SECONDS = 20 * 60
OCR_ALREADY_HAS_TEXT = 6


@celery.task(bind=True, max_retries=3, default_retry_delay=120, name="archive.ocr_jobs.run_ocr")
def run_ocr(self, version_id: int) -> None:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT s3_key, mime_type, ocr_language FROM document_versions WHERE id = %s",
            (version_id,),
        )
        row = cur.fetchone()
    if row is None:
        logger.warning("ocr requested for missing version %s", version_id)
        return

    workdir = tempfile.mkdtemp(prefix=f"ocr-{version_id}-")
    try:
        source = os.path.join(workdir, "source")
        sidecar = os.path.join(workdir, "text.txt")
        searchable = os.path.join(workdir, "searchable.pdf")
        storage.download_to(row["s3_key"], source)

        cmd = (
            f"ocrmypdf --skip-text --rotate-pages --sidecar {sidecar} "
            f"-l {row['ocr_language']} {source} {searchable}"
        )
        result = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=OCR_TIMEOUT_SECONDS)  # expect: SEC002
        if result.returncode not in (0, OCR_ALREADY_HAS_TEXT):
            logger.error("ocrmypdf failed for version %s rc=%s: %s", version_id, result.returncode, result.stderr[-2000:])
            raise self.retry(exc=RuntimeError(f"ocrmypdf exit {result.returncode}"))

        text = open(sidecar, encoding="utf-8", errors="replace").read()  # expect: RES001
        pages = [p.strip() for p in text.split("\f")]

        with get_conn() as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM document_pages WHERE version_id = %s", (version_id,))
            for page_no, body in enumerate(pages, start=1):
                cur.execute(
                    """
                    INSERT INTO document_pages (version_id, page_no, body, body_tsv)
                    VALUES (%s, %s, %s, to_tsvector('simple', %s))
                    """,
                    (version_id, page_no, body, body),
                )
                conn.commit()  # expect: DB003
            cur.execute(
                "UPDATE document_versions SET ocr_status = 'done', page_count = %s WHERE id = %s",
                (len(pages), version_id),
            )
            conn.commit()

        if os.path.exists(searchable):
            with open(searchable, "rb") as fh:
                storage.upload_stream(fh, row["s3_key"] + ".ocr.pdf", "application/pdf")
        logger.info("ocr finished for version %s (%d pages)", version_id, len(pages))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
