"""Staff: upload audiograms from the booth audiometer and review a patient's history."""
import logging
import os
import uuid
from datetime import date
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from clinic.models import Audiogram, Patient, db

bp = Blueprint("staff_audiograms", __name__, url_prefix="/staff/patients")
logger = logging.getLogger(__name__)


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _patient_dir(patient_id: int) -> str:
    return os.path.join(current_app.config["AUDIOGRAM_DIR"], str(patient_id))


@bp.get("/<int:patient_id>/audiograms")
@staff_required
def patient_audiograms(patient_id: int):
    patient = db.get_or_404(Patient, patient_id)
    page = db.paginate(
        db.select(Audiogram).filter_by(patient_id=patient.id).order_by(Audiogram.tested_on.desc()),
        per_page=25,
        error_out=False,
    )
    return jsonify(
        patient_id=patient.id,
        page=page.page,
        pages=page.pages,
        items=[
            {"id": a.id, "tested_on": a.tested_on.isoformat() if a.tested_on else None, "name": a.original_name}
            for a in page.items
        ],
    )


@bp.post("/<int:patient_id>/audiograms")
@staff_required
def upload_for_patient(patient_id: int):
    patient = db.get_or_404(Patient, patient_id)
    upload = request.files.get("file")
    original = secure_filename(upload.filename or "") if upload else ""
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if not original or extension not in current_app.config["ALLOWED_AUDIOGRAM_EXTENSIONS"]:
        abort(400, description="expected a PDF, XML or image file")

    stored = f"{uuid.uuid4().hex}.{extension}"
    directory = _patient_dir(patient.id)
    os.makedirs(directory, exist_ok=True)
    upload.save(os.path.join(directory, stored))  # ok: SEC015, SCL002

    audiogram = Audiogram(
        patient_id=patient.id,
        uploaded_by=current_user.id,
        stored_name=stored,
        original_name=original,
        tested_on=date.today(),
    )
    db.session.add(audiogram)
    db.session.commit()
    logger.info("audiogram %s uploaded for patient %s by staff %s", audiogram.id, patient.id, current_user.id)
    return jsonify(id=audiogram.id, name=original), 201


@bp.get("/<int:patient_id>/audiograms/<int:audiogram_id>")
@staff_required
def download_for_patient(patient_id: int, audiogram_id: int):
    audiogram = db.first_or_404(
        db.select(Audiogram).filter_by(id=audiogram_id, patient_id=patient_id)
    )
    return send_from_directory(
        _patient_dir(patient_id), audiogram.stored_name, as_attachment=True, download_name=audiogram.original_name
    )
