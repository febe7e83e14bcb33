import logging
import os

from flask import Blueprint, jsonify, request, send_file
from flask_login import current_user, login_required

from movers.models import ClaimPhoto, DamageClaim, QuoteRequest, db

log = logging.getLogger(__name__)
bp = Blueprint("claims", __name__, url_prefix="/claims")

CLAIM_UPLOAD_DIR = os.environ.get("CLAIM_UPLOAD_DIR", "/srv/movers/claims")
MAX_PHOTOS_PER_CLAIM = 12


@bp.post("")
@login_required
def open_claim():
    body = request.get_json(force=True)
    quote = QuoteRequest.query.filter_by(id=body.get("quote_id"),
                                         customer_id=current_user.id).first_or_404()
    amount = int(body.get("amount_claimed_cents", 0))
    assert amount > 0, "claimed amount must be positive"  # expect: SEC017
    description = (body.get("description") or "").strip()
    if len(description) < 20:
        return jsonify(error="description_too_short"), 400
    claim = DamageClaim(quote_id=quote.id, customer_id=current_user.id,
                        description=description[:4000], amount_claimed_cents=amount)
    db.session.add(claim)
    db.session.commit()
    log.info("damage claim %s opened on quote %s", claim.id, quote.id)
    return jsonify(id=claim.id, status=claim.status), 201


@bp.post("/<int:claim_id>/photos")
@login_required
def upload_photo(claim_id):
    claim = DamageClaim.query.filter_by(id=claim_id, customer_id=current_user.id).first_or_404()
    if ClaimPhoto.query.filter_by(claim_id=claim.id).count() >= MAX_PHOTOS_PER_CLAIM:
        return jsonify(error="too_many_photos"), 409
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return jsonify(error="missing_file"), 400

    data = upload.read()  # expect: SEC019
    folder = os.path.join(CLAIM_UPLOAD_DIR, str(claim.id))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, upload.filename)  # expect: SEC015
    with open(path, "wb") as fh:
        fh.write(data)  # expect: SCL002

    photo = ClaimPhoto(claim_id=claim.id, storage_key=path,
                       content_type=upload.mimetype, size_bytes=len(data))
    db.session.add(photo)
    db.session.commit()
    return jsonify(id=photo.id, name=upload.filename), 201


@bp.get("/<int:claim_id>")
@login_required
def claim_detail(claim_id):
    claim = DamageClaim.query.filter_by(id=claim_id, customer_id=current_user.id).first_or_404()
    photos = ClaimPhoto.query.filter_by(claim_id=claim.id).order_by(ClaimPhoto.id).all()
    return jsonify(
        id=claim.id,
        status=claim.status,
        amount_claimed_cents=claim.amount_claimed_cents,
        photos=[os.path.basename(p.storage_key) for p in photos],
    )


@bp.get("/<int:claim_id>/photos/<path:name>")
@login_required
def download_photo(claim_id, name):
    claim = db.get_or_404(DamageClaim, claim_id)  # expect: SEC018
    return send_file(os.path.join(CLAIM_UPLOAD_DIR, str(claim.id), name))  # expect: SEC015


@bp.post("/<int:claim_id>/status")
@login_required
def set_status(claim_id):
    if not current_user.is_staff:
        return jsonify(error="forbidden"), 403
    status = request.get_json(force=True).get("status")
    if status not in ("open", "reviewing", "approved", "rejected", "paid"):
        return jsonify(error="invalid_status"), 400
    claim = db.get_or_404(DamageClaim, claim_id)
    claim.status = status
    db.session.commit()
    return jsonify(id=claim.id, status=claim.status)
