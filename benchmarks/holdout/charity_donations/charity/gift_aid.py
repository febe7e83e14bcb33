import logging
from datetime import date

from flask import Blueprint, current_app, g, jsonify, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .admin_auth import admin_required
from .models import Donation, Donor, GiftAidDeclaration

logger = logging.getLogger(__name__)
bp = Blueprint("gift_aid", __name__, url_prefix="/api/gift-aid")

DECLARATION_LINK_MAX_AGE = 60 * 60 * 24 * 90


def _donor_from_token(token):
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="gift-aid")
    try:
        claims = serializer.loads(token, max_age=DECLARATION_LINK_MAX_AGE)
    except BadSignature:
        return None
    return g.db.get(Donor, claims.get("donor"))


@bp.post("/declarations")
def declare():
    body = request.get_json(silent=True) or {}
    donor = _donor_from_token(str(body.get("token", "")))
    if donor is None:
        return jsonify({"error": {"code": "invalid_link", "message": "This link is invalid or has expired"}}), 403
    if not body.get("confirm_uk_taxpayer"):
        return jsonify({"error": {"code": "confirmation_required", "message": "Please confirm you are a UK taxpayer"}}), 400
    if not donor.address_line1 or not donor.postcode:
        return jsonify({"error": {"code": "address_required", "message": "A home address is required for Gift Aid"}}), 400

    declaration = GiftAidDeclaration(
        donor_id=donor.id,
        declared_on=date.today(),
        covers_past_four_years=bool(body.get("include_past_donations", True)),
    )
    g.db.add(declaration)
    try:
        g.db.flush()  # ok: DB005
    except IntegrityError:
        g.db.rollback()
        return jsonify({"data": {"donor": donor.id, "declared_on": date.today().isoformat(), "duplicate": True}}), 200

    g.db.execute(
        update(Donation)
        .where(Donation.donor_id == donor.id, Donation.status == "succeeded", Donation.gift_aid.is_(False))
        .values(gift_aid=True)
    )
    g.db.commit()
    logger.info("gift aid declared donor=%s declaration=%s", donor.id, declaration.id)
    return jsonify({"data": {"id": declaration.id, "donor": donor.id, "declared_on": declaration.declared_on.isoformat()}}), 201


@bp.post("/declarations/revoke")
def revoke():
    body = request.get_json(silent=True) or {}
    donor = _donor_from_token(str(body.get("token", "")))
    if donor is None:
        return jsonify({"error": {"code": "invalid_link", "message": "This link is invalid or has expired"}}), 403
    result = g.db.execute(
        update(GiftAidDeclaration)
        .where(GiftAidDeclaration.donor_id == donor.id, GiftAidDeclaration.revoked_on.is_(None))
        .values(revoked_on=date.today())
    )
    g.db.commit()
    logger.info("gift aid revoked donor=%s declarations=%s", donor.id, result.rowcount)
    return jsonify({"data": {"donor": donor.id, "revoked": result.rowcount}})


@bp.get("/donors/<int:donor_id>/declarations")
@admin_required
def donor_declarations(donor_id):
    rows = g.db.scalars(
        select(GiftAidDeclaration)
        .where(GiftAidDeclaration.donor_id == donor_id)  # ok: DB002
        .order_by(GiftAidDeclaration.declared_on.desc())
    ).all()
    return jsonify(
        {
            "data": [
                {
                    "id": d.id,
                    "declared_on": d.declared_on.isoformat(),
                    "covers_past_four_years": d.covers_past_four_years,
                    "revoked_on": d.revoked_on.isoformat() if d.revoked_on else None,
                }
                for d in rows
            ]
        }
    )
