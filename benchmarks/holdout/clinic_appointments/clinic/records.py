import os

from flask import Blueprint, g, jsonify, request, send_file
from werkzeug.utils import secure_filename

from clinic.auth import require_auth
from clinic.db import pool

bp = Blueprint("records", __name__, url_prefix="/api")

RECORDS_DIR = os.environ.get("RECORDS_DIR", "/var/lib/clinic/records")


@bp.post("/patients/<int:patient_id>/documents")
@require_auth("patient", "staff")
def upload_document(patient_id: int):
    if g.role == "patient" and g.user_id != patient_id:
        return jsonify(error="forbidden"), 403
    upload = request.files.get("document")  # todo-expect: SEC019
    if upload is None or not upload.filename:
        return jsonify(error="document is required"), 400

    filename = secure_filename(upload.filename)  # ok: SEC015
    folder = os.path.join(RECORDS_DIR, str(patient_id))
    os.makedirs(folder, exist_ok=True)
    upload.save(os.path.join(folder, filename))  # expect: SCL002

    with pool.connection() as conn:
        conn.execute(
            "INSERT INTO patient_documents (patient_id, filename, uploaded_by) VALUES (%s, %s, %s)",
            (patient_id, filename, g.user_id),
        )
    return jsonify(filename=filename), 201


@bp.get("/documents/download")
@require_auth("patient", "staff")
def download_document():  # todo-expect: SEC018
    patient_id = request.args.get("patient_id", "")
    name = request.args.get("name", "")
    path = os.path.join(RECORDS_DIR, patient_id, name)  # expect: SEC015
    if not os.path.isfile(path):
        return jsonify(error="document not found"), 404
    return send_file(path, as_attachment=True)
