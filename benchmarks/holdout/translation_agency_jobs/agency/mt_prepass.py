"""Machine-translation pre-pass: segments are sent to the MT vendor before a human edits them."""
from __future__ import annotations

import logging
import os
import threading
import time

import requests
from flask import Blueprint, jsonify

from . import db
from .glossary import glossary_for
from .web import json_error, login_required

bp = Blueprint("mt", __name__, url_prefix="/api/staff/mt")
log = logging.getLogger(__name__)

MT_URL = os.environ.get("MT_VENDOR_URL", "https://api.mt-vendor.example/v2")
MT_KEY = os.environ.get("MT_VENDOR_KEY", "")
BATCH = 40

progress: dict[int, float] = {}


def translate_batch(texts: list[str], source: str, target: str, glossary_id: str | None) -> list[str]:
    headers = {"Authorization": f"Bearer {MT_KEY}", "Content-Type": "application/json"}
    log.debug("mt request headers=%s segments=%d", headers, len(texts))  # expect: SEC007
    payload = {"text": texts, "source_lang": source, "target_lang": target, "glossary_id": glossary_id}
    resp = requests.post(f"{MT_URL}/translate", json=payload, headers=headers, timeout=60, verify=False)  # expect: SEC011
    resp.raise_for_status()
    return [t["text"] for t in resp.json()["translations"]]


def run_prepass(job_id: int) -> None:
    job = db.fetch_one("SELECT id, source_lang, target_lang, client_id FROM jobs WHERE id = %s", (job_id,))
    with db.transaction() as conn:
        segments = conn.execute(
            "SELECT id, source_text FROM segments WHERE job_id = %s AND mt_text IS NULL ORDER BY position",
            (job_id,),
        ).fetchall()
    glossary_id = glossary_for(job["client_id"], job["source_lang"], job["target_lang"])
    for start in range(0, len(segments), BATCH):
        chunk = segments[start:start + BATCH]
        out = translate_batch([s["source_text"] for s in chunk], job["source_lang"], job["target_lang"], glossary_id)
        with db.transaction() as conn:
            with conn.cursor() as cur:
                cur.executemany(
                    "UPDATE segments SET mt_text = %s WHERE id = %s",
                    [(text, seg["id"]) for text, seg in zip(out, chunk)],
                )
        progress[job_id] = min(1.0, (start + len(chunk)) / max(len(segments), 1))  # expect: SCL001, RES002
    with db.transaction() as conn:
        conn.execute("UPDATE jobs SET status = 'ready_for_edit' WHERE id = %s", (job_id,))
    log.info("mt prepass done job=%s segments=%s", job_id, len(segments))


@bp.post("/jobs/<int:job_id>")
@login_required("coordinator")
def start_prepass(job_id: int):
    if db.fetch_one("SELECT 1 FROM jobs WHERE id = %s AND status = 'open'", (job_id,)) is None:
        return json_error(404, "no open job with that id")
    threading.Thread(target=run_prepass, args=(job_id,), daemon=True).start()  # expect: CON003, REL005
    return jsonify({"job_id": job_id, "status": "started"}), 202


@bp.get("/jobs/<int:job_id>")
@login_required("coordinator")
def prepass_status(job_id: int):
    return jsonify({"job_id": job_id, "progress": progress.get(job_id, 0.0)})


def poll_vendor_callbacks() -> None:
    """Picks up asynchronous document translations the vendor has finished."""
    while True:
        try:
            resp = requests.get(f"{MT_URL}/documents?status=done", headers={"Authorization": f"Bearer {MT_KEY}"}, timeout=20)
            for doc in resp.json().get("documents", []):
                with db.transaction() as conn:
                    conn.execute(
                        "UPDATE documents SET mt_document_id = NULL, mt_status = 'done' WHERE mt_document_id = %s",
                        (doc["id"],),
                    )
        except Exception:  # expect: ERR001
            pass
        time.sleep(30)
