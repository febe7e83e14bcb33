"""Retention jobs: purge documents of closed matters once their retention period ends."""
import logging

from archive import storage
from archive.db import get_conn, record_audit
from archive.worker import celery

logger = logging.getLogger(__name__)

PURGE_BATCH = 200


def _object_keys(version_keys: list[str]) -> list[str]:
    keys: list[str] = []
    for key in version_keys:
        keys.extend([key, f"{key}.ocr.pdf", f"{key}.thumb.png"])
    return keys


@celery.task(name="archive.retention.purge_expired_documents")
def purge_expired_documents(batch_size: int = PURGE_BATCH) -> int:
    purged = 0
    with get_conn() as conn:
        with conn.cursor() as cur:
            cur.execute(
                """
                SELECT d.id, d.matter_id, array_agg(v.s3_key) AS version_keys
                FROM documents d
                JOIN matters m ON m.id = d.matter_id
                JOIN document_versions v ON v.document_id = d.id
                WHERE m.closed_at IS NOT NULL
                  AND m.closed_at < now() - make_interval(years => m.retention_years)
                  AND NOT m.legal_hold
                  AND NOT d.legal_hold
                GROUP BY d.id, d.matter_id
                ORDER BY d.id
                LIMIT %s
                """,
                (batch_size,),
            )
            candidates = cur.fetchall()
        conn.commit()

        for doc in candidates:
            try:
                storage.delete_keys(_object_keys(doc["version_keys"]))  # expect: DB005
                with conn.cursor() as cur:
                    cur.execute(
                        "DELETE FROM document_pages WHERE version_id IN "
                        "(SELECT id FROM document_versions WHERE document_id = %s)",
                        (doc["id"],),
                    )
                    cur.execute("DELETE FROM document_versions WHERE document_id = %s", (doc["id"],))
                    cur.execute("DELETE FROM documents WHERE id = %s", (doc["id"],))  # todo-expect: REL004
                    record_audit(cur, None, "purge", "document", doc["id"], matter_id=doc["matter_id"])
                conn.commit()  # ok: DB003
                purged += 1
            except Exception:  # expect: ERR001
                conn.rollback()
                continue

    logger.info("retention purge removed %d of %d candidate documents", purged, len(candidates))
    return purged


@celery.task(name="archive.retention.expire_share_links")
def expire_share_links() -> int:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE share_links SET revoked = true WHERE expires_at < now() AND NOT revoked"
        )
        revoked = cur.rowcount
        conn.commit()
    if revoked:
        logger.info("revoked %d expired share links", revoked)
    return revoked
