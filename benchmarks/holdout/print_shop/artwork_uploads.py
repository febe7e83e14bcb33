"""Customer artwork uploads, stored in S3 and tracked in the database."""
import logging
import os
import uuid

import boto3
from botocore.config import Config
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.utils import secure_filename

from .app import db
from .models import Artwork

logger = logging.getLogger(__name__)
bp = Blueprint("artwork", __name__, url_prefix="/api/artwork")

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))  # ok: REL001

SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".tif": "image/tiff", ".tiff": "image/tiff"}


@bp.post("")
@login_required
def upload():
    file = request.files.get("artwork")
    if file is None or not file.filename:
        return jsonify({"error": "attach the artwork file as 'artwork'"}), 400
    name = secure_filename(file.filename)  # ok: SEC015
    ext = os.path.splitext(name)[1].lower()
    if ext not in SIGNATURES:
        return jsonify({"error": "artwork must be PDF, PNG or TIFF"}), 415
    head = file.stream.read(8)
    file.stream.seek(0)
    if not head.startswith(SIGNATURES[ext]):  # ok: SEC019
        return jsonify({"error": "file content does not match its extension"}), 415

    bucket = current_app.config["S3_BUCKET"]
    key = f"artwork/{current_user.id}/{uuid.uuid4().hex}{ext}"
    s3.upload_fileobj(file.stream, bucket, key, ExtraArgs={"ContentType": CONTENT_TYPES[ext]})  # ok: SCL002, RES003
    artwork = Artwork(customer_id=current_user.id, s3_key=key, original_name=name)
    db.session.add(artwork)
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        s3.delete_object(Bucket=bucket, Key=key)
        logger.exception("could not record artwork upload %s for customer %s", key, current_user.id)
        raise
    logger.info("customer %s uploaded artwork %s", current_user.id, artwork.id)
    return jsonify({"id": artwork.id, "name": name}), 201


@bp.get("")
@login_required
def list_artwork():
    page = request.args.get("page", 1, type=int)
    pagination = (  # ok: DB002
        Artwork.query.filter_by(customer_id=current_user.id)
        .order_by(Artwork.created_at.desc())
        .paginate(page=page, per_page=20, max_per_page=50)
    )
    return jsonify({
        "page": pagination.page,
        "pages": pagination.pages,
        "items": [{"id": a.id, "name": a.original_name, "proof_status": a.proof_status} for a in pagination.items],
    })


@bp.get("/<int:artwork_id>/download")
@login_required
def download_url(artwork_id):
    artwork = Artwork.query.filter_by(id=artwork_id, customer_id=current_user.id).first_or_404()  # ok: SEC018
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": current_app.config["S3_BUCKET"], "Key": artwork.s3_key,
                "ResponseContentDisposition": f'attachment; filename="{artwork.original_name}"'},
        ExpiresIn=300,
    )
    return jsonify({"url": url, "expires_in": 300})
