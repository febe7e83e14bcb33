"""Proof rendering: turns uploaded artwork into PNG pages the customer approves."""
import glob
import logging
import os
import subprocess
import tempfile

import boto3
from botocore.config import Config
from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_login import current_user, login_required

from .app import db
from .models import Artwork

logger = logging.getLogger(__name__)
bp = Blueprint("proofs", __name__, url_prefix="/api/proofs")

PROOF_DIR = os.environ.get("PROOF_DIR", "/srv/printshop/proofs")
s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))  # ok: REL001


def _thumbnail(png_path: str, workdir: str) -> str:
    thumb = os.path.join(workdir, os.path.basename(png_path).replace(".png", "-thumb.jpg"))
    subprocess.run(["convert", png_path, "-resize", "400x400", "-quality", "85", thumb], check=True, timeout=60)  # ok: SEC002
    return thumb


@bp.post("/<int:artwork_id>")
@login_required
def render_proof(artwork_id):
    artwork = Artwork.query.filter_by(id=artwork_id, customer_id=current_user.id).first_or_404()  # ok: SEC018
    dpi = request.form.get("dpi", "150")
    with tempfile.TemporaryDirectory() as workdir:
        source = os.path.join(workdir, "artwork.pdf")
        s3.download_file(current_app.config["S3_BUCKET"], artwork.s3_key, source)
        pattern = os.path.join(PROOF_DIR, f"{artwork.id}-p%d.png")
        cmd = f"gs -dSAFER -dBATCH -dNOPAUSE -sDEVICE=png16m -r{dpi} -sOutputFile={pattern} {source}"
        subprocess.run(cmd, shell=True, check=True, timeout=180)  # expect: SEC002, SCL002
        pages = sorted(glob.glob(os.path.join(PROOF_DIR, f"{artwork.id}-p*.png")))
        thumb = _thumbnail(pages[0], workdir)
        thumb_key = f"thumbs/{artwork.customer_id}/{artwork.id}.jpg"
        s3.upload_file(thumb, current_app.config["S3_BUCKET"], thumb_key)  # ok: SCL002
    artwork.proof_status = "ready"
    db.session.commit()
    logger.info("rendered %d proof pages for artwork %s", len(pages), artwork.id)
    return jsonify({"artwork_id": artwork.id, "pages": [os.path.basename(p) for p in pages]})


@bp.get("/page")
@login_required
def proof_page():
    name = request.args.get("name", "")
    return send_file(os.path.join(PROOF_DIR, name), mimetype="image/png")  # expect: SEC015, SEC018


@bp.post("/<int:artwork_id>/approve")
@login_required
def approve(artwork_id):
    artwork = db.session.get(Artwork, artwork_id)
    if artwork is None:
        abort(404)
    assert artwork.customer_id == current_user.id, "artwork belongs to another customer"  # expect: SEC017
    if artwork.proof_status != "ready":
        return jsonify({"error": "proof is not ready for approval"}), 409
    artwork.proof_status = "approved"
    db.session.commit()
    logger.info("customer %s approved proof for artwork %s", current_user.id, artwork.id)
    return jsonify({"artwork_id": artwork.id, "proof_status": artwork.proof_status})
