"""MT pre-pass worker. Separate Deployment: `python -m agency.mt_worker`.

Coordinators queue a job (jobs.status = 'mt_queued'); this process claims one
job at a time with SKIP LOCKED, so any number of replicas can run.
"""
from __future__ import annotations

import logging
import os
import signal
import threading

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from . import db
from .glossary import glossary_for

log = logging.getLogger("agency.mt_worker")

MT_URL = os.environ.get("MT_VENDOR_URL", "https://api.mt-vendor.example/v2")
CA_BUNDLE = os.environ.get("MT_VENDOR_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
BATCH = 40
MAX_ATTEMPTS = 3
stopping = threading.Event()

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {os.environ.get('MT_VENDOR_KEY', '')}"})
session.verify = CA_BUNDLE  # ok: SEC011


@retry(  # ok: REL002
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=1, max=20),
    reraise=True,
)
def translate_batch(texts: list[str], source: str, target: str, glossary_id: str | None) -> list[str]:
    resp = session.post(
        f"{MT_URL}/translate",
        json={"text": texts, "source_lang": source, "target_lang": target, "glossary_id": glossary_id},
        timeout=(5, 60),
    )
    resp.raise_for_status()
    return [t["text"] for t in resp.json()["translations"]]


def claim_job() -> dict | None:
    with db.transaction() as conn:
        return conn.execute(
            "UPDATE jobs SET status = 'mt_running', mt_started_at = now() "
            "WHERE id = (SELECT id FROM jobs WHERE status = 'mt_queued' "
            "            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
            "RETURNING id, client_id, source_lang, target_lang"
        ).fetchone()


def process(job: dict) -> None:
    glossary_id = glossary_for(job["client_id"], job["source_lang"], job["target_lang"])
    while True:
        with db.transaction() as conn:
            chunk = conn.execute(
                "SELECT id, source_text FROM segments WHERE job_id = %s AND mt_text IS NULL "
                "ORDER BY position LIMIT %s",
                (job["id"], BATCH),
            ).fetchall()
            if not chunk:
                conn.execute("UPDATE jobs SET status = 'ready_for_edit' WHERE id = %s", (job["id"],))
                return
            out = translate_batch([s["source_text"] for s in chunk], job["source_lang"], job["target_lang"], glossary_id)
            with conn.cursor() as cur:
                cur.executemany(  # ok: DB003
                    "UPDATE segments SET mt_text = %s WHERE id = %s",
                    [(text, seg["id"]) for text, seg in zip(out, chunk)],
                )


def _stop(*_):
    stopping.set()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    signal.signal(signal.SIGTERM, _stop)
    db.open_pool()
    while not stopping.is_set():  # ok: SCL003
        job = claim_job()
        if job is None:
            stopping.wait(3)
            continue
        try:
            process(job)
            log.info("mt prepass finished job=%s", job["id"])
        except Exception:
            log.exception("mt prepass failed job=%s", job["id"])
            with db.transaction() as conn:
                conn.execute(
                    "UPDATE jobs SET mt_attempts = mt_attempts + 1, "
                    "status = CASE WHEN mt_attempts + 1 >= %s THEN 'mt_failed' ELSE 'mt_queued' END "
                    "WHERE id = %s",
                    (MAX_ATTEMPTS, job["id"]),
                )


if __name__ == "__main__":
    main()
