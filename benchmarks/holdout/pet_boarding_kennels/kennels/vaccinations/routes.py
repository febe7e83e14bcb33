"""Vaccination certificate uploads for boarding pets."""
import logging
import os
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_login import current_user, login_required

from kennels import db
from kennels.models import Pet, VaccinationRecord

log = logging.getLogger(__name__)
bp = Blueprint("vaccinations", __name__)

REQUIRED_FOR = {"dog": ("rabies", "dhpp", "kennel_cough"), "cat": ("rabies", "fvrcp")}


def _pet_dir(pet_id: int) -> str:
    return os.path.join(current_app.config["VACCINATION_UPLOAD_DIR"], str(pet_id))


@bp.post("/pets/<int:pet_id>/vaccinations")
@login_required
def upload_certificate(pet_id: int):
    pet = Pet.query.get_or_404(pet_id)  # expect: SEC018
    upload = request.files.get("certificate")
    if upload is None or not upload.filename:
        return jsonify(error="certificate file is required"), 400

    try:
        expires_on = date.fromisoformat(request.form["expires_on"])
    except (KeyError, ValueError):
        return jsonify(error="expires_on must be an ISO date"), 400

    target_dir = _pet_dir(pet.id)
    os.makedirs(target_dir, exist_ok=True)
    path = os.path.join(target_dir, upload.filename)  # expect: SEC015
    upload.save(path)  # expect: SEC019, SCL002

    record = VaccinationRecord(
        pet_id=pet.id,
        original_name=upload.filename,
        content_type=upload.mimetype,
        storage_path=path,
        expires_on=expires_on,
    )
    db.session.add(record)
    db.session.commit()
    log.info("vaccination record %s stored for pet %s", record.id, pet.id)
    return jsonify(id=record.id, expires_on=expires_on.isoformat()), 201


@bp.get("/pets/<int:pet_id>/vaccinations/<path:name>")
@login_required
def download_certificate(pet_id: int, name: str):
    pet = Pet.query.filter_by(id=pet_id, owner_id=current_user.id).first_or_404()
    return send_file(os.path.join(_pet_dir(pet.id), name))  # expect: SEC015


@bp.get("/staff/vaccinations/expiring")
@login_required
def expiring_certificates():
    if not current_user.is_staff:
        abort(403)
    cutoff = date.today() + timedelta(days=30)
    query = VaccinationRecord.query.filter(VaccinationRecord.expires_on <= cutoff)
    records = query.order_by(VaccinationRecord.expires_on).all()  # expect: DB002
    rows = []
    for record in records:
        owner = record.pet.owner  # expect: DB001
        rows.append({
            "record_id": record.id,
            "pet": record.pet.name,
            "owner": owner.full_name,
            "email": owner.email,
            "expires_on": record.expires_on.isoformat(),
        })
    return jsonify(rows)


@bp.get("/pets/<int:pet_id>/vaccinations/status")
@login_required
def vaccination_status(pet_id: int):
    pet = Pet.query.filter_by(id=pet_id, owner_id=current_user.id).first_or_404()
    current = {r.original_name.split(".")[0].lower() for r in pet.vaccinations
               if r.expires_on and r.expires_on >= date.today()}
    missing = [v for v in REQUIRED_FOR.get(pet.species, ()) if v not in current]
    return jsonify(pet_id=pet.id, missing=missing, ready=not missing)
