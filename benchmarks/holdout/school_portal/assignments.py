"""Assignment hand-in: students upload their work, teachers download it."""
import hashlib
import logging
import os
import subprocess
import threading

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from flask_login import current_user, login_required

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("assignments", __name__, url_prefix="/assignments")

ALLOWED_EXTENSIONS = {".pdf", ".docx", ".odt", ".txt", ".png", ".jpg"}


def _scan_submission(path: str, submission_id: int) -> None:
    """Run ClamAV over a stored hand-in and record the verdict."""
    result = subprocess.run(["clamscan", "--no-summary", path], capture_output=True, text=True, timeout=120)  # ok: SEC002
    verdict = "infected" if result.returncode == 1 else "clean"
    with db.cursor() as cur:
        cur.execute("UPDATE submissions SET scan_status = %s WHERE id = %s", (verdict, submission_id))
    if verdict == "infected":
        logger.warning("submission %s flagged by virus scan", submission_id)


@bp.post("/<int:assignment_id>/submit")
@login_required
def submit(assignment_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400)
    if os.path.splitext(upload.filename)[1].lower() not in ALLOWED_EXTENSIONS:
        return jsonify(error="file type not accepted"), 415

    with db.cursor() as cur:
        cur.execute(
            "SELECT a.id FROM assignments a JOIN enrollments e ON e.class_id = a.class_id "
            "WHERE a.id = %s AND e.student_id = %s",
            (assignment_id, current_user.id),
        )
        if cur.fetchone() is None:
            abort(404)
        cur.execute(
            "SELECT id FROM submissions WHERE assignment_id = %s AND student_id = %s",
            (assignment_id, current_user.id),
        )
        if cur.fetchone() is not None:
            return jsonify(error="you have already handed in this assignment"), 409

    data = upload.read()  # expect: SEC019
    folder = os.path.join(current_app.config["UPLOAD_DIR"], str(assignment_id), str(current_user.id))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, upload.filename)  # expect: SEC015
    with open(path, "wb") as fh:  # expect: SCL002
        fh.write(data)

    with db.cursor() as cur:
        cur.execute(  # expect: DB005
            "INSERT INTO submissions (assignment_id, student_id, path, sha256, scan_status, submitted_at) "
            "VALUES (%s, %s, %s, %s, 'pending', now()) RETURNING id",
            (assignment_id, current_user.id, path, hashlib.sha256(data).hexdigest()),
        )
        submission_id = cur.fetchone()["id"]

    scan = threading.Thread(target=_scan_submission, args=(path, submission_id), daemon=True)  # todo-expect: REL005
    scan.start()  # expect: CON003
    logger.info("submission %s stored for assignment %s", submission_id, assignment_id)
    return jsonify(submission_id=submission_id, scan_status="pending"), 201


@bp.get("/submissions/<int:submission_id>/file")
@login_required
def download(submission_id: int):
    with db.cursor() as cur:
        cur.execute(
            "SELECT s.path, s.student_id, s.scan_status, c.teacher_id FROM submissions s "
            "JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id WHERE s.id = %s",
            (submission_id,),
        )
        row = cur.fetchone()
    if row is None or current_user.id not in (row["student_id"], row["teacher_id"]):  # ok: SEC018
        abort(404)
    if row["scan_status"] != "clean":
        return jsonify(error="file is still being checked"), 409
    directory, name = os.path.split(row["path"])
    return send_from_directory(directory, name, as_attachment=True)  # ok: SEC015
