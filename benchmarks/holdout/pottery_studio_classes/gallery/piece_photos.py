import logging
import os

from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_login import current_user, login_required

from models import Piece, db

log = logging.getLogger(__name__)
bp = Blueprint("pieces", __name__, url_prefix="/pieces")

STAGES = ("greenware", "bisqued", "glazed", "finished")


def piece_json(piece):
    return {
        "id": piece.id,
        "title": piece.title,
        "stage": piece.stage,
        "photo_url": f"/pieces/photos/{os.path.basename(piece.photo_path)}"
        if piece.photo_path else None,
    }


@bp.get("")
@login_required
def my_pieces():
    pieces = (
        Piece.query.filter_by(member_id=current_user.id)
        .order_by(Piece.id.desc())
        .limit(100)
        .all()
    )
    return jsonify(pieces=[piece_json(p) for p in pieces])


@bp.post("")
@login_required
def create_piece():
    payload = request.get_json(silent=True) or {}
    title = str(payload.get("title", "")).strip()[:120]
    if not title:
        return jsonify(error="title required"), 400
    piece = Piece(member_id=current_user.id, title=title)
    db.session.add(piece)
    db.session.commit()
    return jsonify(piece_json(piece)), 201


@bp.post("/<int:piece_id>/stage")
@login_required
def advance_stage(piece_id):
    piece = Piece.query.filter_by(id=piece_id, member_id=current_user.id).first_or_404()
    stage = (request.get_json(silent=True) or {}).get("stage")
    if stage not in STAGES:
        return jsonify(error=f"stage must be one of {', '.join(STAGES)}"), 400
    piece.stage = stage
    db.session.commit()
    return jsonify(piece_json(piece))


@bp.post("/<int:piece_id>/photo")
@login_required
def upload_photo(piece_id):
    piece = Piece.query.filter_by(id=piece_id, member_id=current_user.id).first_or_404()
    upload = request.files.get("photo")  # expect: SEC019
    if upload is None or not upload.filename:
        return jsonify(error="photo file required"), 400

    member_dir = os.path.join(current_app.config["PIECE_PHOTO_DIR"], str(current_user.id))
    os.makedirs(member_dir, exist_ok=True)
    dest = os.path.join(member_dir, upload.filename)  # expect: SEC015
    upload.save(dest)  # expect: SCL002
    piece.photo_path = dest
    db.session.commit()
    log.info("member %s uploaded photo for piece %s", current_user.id, piece.id)
    return jsonify(piece_json(piece)), 201


@bp.get("/photos/<path:name>")
@login_required
def photo(name):
    path = os.path.join(current_app.config["PIECE_PHOTO_DIR"], str(current_user.id), name)  # expect: SEC015
    if not os.path.exists(path):
        abort(404)
    return send_file(path)
