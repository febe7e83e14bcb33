"""Patient portal: audiogram history, uploads from home hearing tests, downloads."""
import logging
import os
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from clinic.models import Audiogram, db

bp = Blueprint("portal_audiograms", __name__, url_prefix="/portal/audiograms")
logger = logging.getLogger(__name__)


def _patient_dir(patient_id: int) -> str:
    return os.path.join(current_app.config["AUDIOGRAM_DIR"], str(patient_id))


@bp.get("/")
@login_required
def list_audiograms():
    page = request.args.get("page", 1, type=int)
    pagination = (
        Audiogram.query.filter_by(patient_id=current_user.patient_id)
        .order_by(Audiogram.tested_on.desc(), Audiogram.id.desc())
        .paginate(page=page, per_page=20, error_out=False)
    )
    return render_template("portal/audiograms.html", pagination=pagination)


@bp.post("/")
@login_required
def upload_audiogram():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose a file to upload.")
        return redirect(url_for(".list_audiograms"))

    extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if extension not in current_app.config["ALLOWED_AUDIOGRAM_EXTENSIONS"]:
        flash("Audiograms must be PDF, XML or an image.")
        return redirect(url_for(".list_audiograms"))

    try:
        tested_on = date.fromisoformat(request.form.get("tested_on", ""))
    except ValueError:
        tested_on = date.today()

    directory = _patient_dir(current_user.patient_id)
    os.makedirs(directory, exist_ok=True)
    upload.save(os.path.join(directory, upload.filename))  # expect: SEC015

    db.session.add(
        Audiogram(
            patient_id=current_user.patient_id,
            uploaded_by=current_user.id,
            stored_name=upload.filename,
            original_name=upload.filename,
            tested_on=tested_on,
        )
    )
    db.session.commit()
    logger.info("patient %s uploaded an audiogram", current_user.patient_id)
    flash("Thanks, your audiologist will review it before your next appointment.")
    return redirect(url_for(".list_audiograms"))


@bp.get("/<int:audiogram_id>/download")
@login_required
def download_audiogram(audiogram_id: int):
    audiogram = db.get_or_404(Audiogram, audiogram_id)  # expect: SEC018
    return send_from_directory(  # ok: SEC015
        _patient_dir(audiogram.patient_id),
        audiogram.stored_name,
        as_attachment=True,
        download_name=audiogram.original_name,
    )
