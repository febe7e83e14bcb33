"""Quick product previews for the storefront designer.

Same composite as the mockup renderer, but ImageMagick is run without a
shell, on files in a per-request temporary directory that is always removed.
"""
from __future__ import annotations

import logging
import re
import subprocess
import tempfile
import uuid
from pathlib import Path

import boto3
from flask import Blueprint, abort, current_app, g, jsonify, request

from shop.auth import login_required
from shop.db import get_db

bp = Blueprint("previews", __name__, url_prefix="/previews")
log = logging.getLogger(__name__)

_s3 = boto3.client("s3")
CAPTION_OK = re.compile(r"[^A-Za-z0-9 .,!?'&\-]")


def _clean_caption(raw: str) -> str:
    # ImageMagick reads "@file" arguments as file contents, so the caption
    # is reduced to plain printable text first.
    return CAPTION_OK.sub("", raw)[:60].lstrip("@")


@bp.post("")
@login_required
def create_preview():
    body = request.get_json(silent=True) or {}
    cfg = current_app.config["MERCH"]
    db = get_db()
    art = db.execute(
        "SELECT s3_key FROM artwork WHERE id = ? AND customer_id = ?",
        (int(body.get("artwork_id", 0)), g.customer_id),
    ).fetchone()
    blank = db.execute("SELECT sku FROM blanks WHERE sku = ?", (str(body.get("blank_sku", "")),)).fetchone()
    if art is None or blank is None:
        abort(404, description="artwork or product not found")
    blank_path = Path(cfg.blanks_dir) / f"{blank['sku']}.png"
    caption = _clean_caption(str(body.get("caption", "")))

    with tempfile.TemporaryDirectory(prefix="preview-") as workdir:
        art_path = Path(workdir) / "art.img"
        out_path = Path(workdir) / "preview.png"
        _s3.download_file(cfg.s3_bucket, art["s3_key"], str(art_path))
        args = [
            "magick", str(blank_path),
            "(", str(art_path), "-resize", "600x600", ")",
            "-gravity", "center", "-composite",
            "-pointsize", "28", "-annotate", "+0+300", caption,
            str(out_path),
        ]
        try:
            subprocess.run(args, check=True, capture_output=True, timeout=30)  # ok: SEC002
        except subprocess.CalledProcessError as exc:
            log.error("preview render failed: %s", exc.stderr[-300:], exc_info=True)
            abort(500, description="could not render the preview")
        key = f"previews/{g.customer_id}/{uuid.uuid4().hex}.png"
        _s3.upload_file(str(out_path), cfg.s3_bucket, key, ExtraArgs={"ContentType": "image/png"})  # ok: SCL002

    url = _s3.generate_presigned_url("get_object", Params={"Bucket": cfg.s3_bucket, "Key": key}, ExpiresIn=900)
    return jsonify(url=url), 201
