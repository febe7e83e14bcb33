"""Teacher gradebook: class overview, grade entry and written feedback."""
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("gradebook", __name__, url_prefix="/gradebook")


def _teaches(cur, class_id: int) -> bool:
    cur.execute("SELECT 1 FROM classes WHERE id = %s AND teacher_id = %s", (class_id, current_user.id))
    return cur.fetchone() is not None


def _student_average(cur, student_id: int, class_id: int) -> float | None:
    cur.execute(
        "SELECT ROUND(AVG(score), 1) AS average FROM grades WHERE student_id = %s AND class_id = %s",
        (student_id, class_id),
    )
    return cur.fetchone()["average"]


@bp.get("/")
@login_required
def overview():
    with db.cursor() as cur:
        cur.execute(
            "SELECT id, name, term FROM classes WHERE teacher_id = %s ORDER BY term DESC, name LIMIT 50",
            (current_user.id,),
        )
        classes = cur.fetchall()  # ok: DB002
    return render_template("gradebook/overview.html", classes=classes)


@bp.get("/classes/<int:class_id>")
@login_required
def class_gradebook(class_id: int):
    assert current_user.role == "teacher", "gradebook is for teachers"  # expect: SEC017
    sort = request.args.get("sort", "s.last_name")
    with db.cursor() as cur:
        if not _teaches(cur, class_id):  # ok: SEC018
            abort(404)
        cur.execute(f"SELECT s.id, s.first_name, s.last_name FROM students s JOIN enrollments e ON e.student_id = s.id WHERE e.class_id = %s ORDER BY {sort}", (class_id,))  # expect: SEC001
        students = cur.fetchall()
        rows = []
        for student in students:
            rows.append({**student, "average": _student_average(cur, student["id"], class_id)})  # expect: DB001
    return render_template("gradebook/class.html", class_id=class_id, rows=rows, sort=sort)


@bp.post("/grades/<int:grade_id>")
@login_required
def update_grade(grade_id: int):
    score = request.form.get("score", type=float)
    comment = request.form.get("comment", "").strip()
    if score is None or not 0 <= score <= 100:
        abort(400)
    with db.cursor() as cur:
        cur.execute(  # expect: SEC018
            "UPDATE grades SET score = %s, comment = %s, updated_by = %s, updated_at = now() WHERE id = %s",
            (score, comment, current_user.id, grade_id),
        )
        if cur.rowcount == 0:
            abort(404)
    logger.info("grade %s updated by user %s", grade_id, current_user.id)
    flash("Grade saved")
    return redirect(url_for(".overview"))


@bp.get("/grades/<int:grade_id>/feedback")
@login_required
def feedback(grade_id: int):
    with db.cursor() as cur:
        cur.execute(
            "SELECT g.comment, g.score, g.student_id, c.teacher_id, c.name AS class_name FROM grades g "
            "JOIN classes c ON c.id = g.class_id WHERE g.id = %s",
            (grade_id,),
        )
        row = cur.fetchone()
    if row is None or current_user.id not in (row["teacher_id"], row["student_id"]):
        abort(404)
    body = Markup(f"<div class=\"feedback\"><p>{row['comment']}</p></div>")  # expect: SEC016
    return render_template("gradebook/feedback.html", body=body, score=row["score"], class_name=row["class_name"])
