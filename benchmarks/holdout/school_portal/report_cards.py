"""Report-card PDFs: render the term summary to HTML and convert it with wkhtmltopdf."""
import io
import logging
import re
import subprocess

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required
from jinja2 import Environment, PackageLoader, select_autoescape

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("report_cards", __name__, url_prefix="/report-cards")

WKHTMLTOPDF = "/usr/local/bin/wkhtmltopdf"
RENDER_TIMEOUT_SECONDS = 60
TERM_PATTERN = re.compile(r"^\d{4}-(autumn|spring|summer)$")

_templates = Environment(
    loader=PackageLoader("school_portal", "templates/report_cards"),
    autoescape=select_autoescape(["html"]),  # ok: SEC016
)


def _may_view(cur, student_id: int) -> bool:
    """Office staff, the pupil, and the pupil's registered guardians."""
    if current_user.role == "office" or current_user.id == student_id:
        return True
    cur.execute(
        "SELECT 1 FROM guardians WHERE student_id = %s AND parent_id = %s",
        (student_id, current_user.id),
    )
    return cur.fetchone() is not None


def _html_to_pdf(html: str) -> bytes:
    result = subprocess.run(  # ok: SEC002
        [WKHTMLTOPDF, "--quiet", "--encoding", "utf-8", "-", "-"],
        input=html.encode("utf-8"),
        capture_output=True,
        timeout=RENDER_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"wkhtmltopdf exited with {result.returncode}: {result.stderr[:500]!r}")
    return result.stdout


@bp.get("/<int:student_id>/<term>.pdf")
@login_required
def report_card(student_id: int, term: str):
    if not TERM_PATTERN.match(term):
        abort(404)
    with db.cursor() as cur:
        if not _may_view(cur, student_id):  # ok: SEC018
            abort(404)
        cur.execute("SELECT first_name, last_name, year_group FROM students WHERE id = %s", (student_id,))
        student = cur.fetchone()
        if student is None:
            abort(404)
        cur.execute(  # ok: DB001, SEC001
            "SELECT c.name AS subject, u.full_name AS teacher, ROUND(AVG(g.score), 1) AS average, "
            "string_agg(g.comment, ' ' ORDER BY g.created_at) AS comments "
            "FROM grades g JOIN classes c ON c.id = g.class_id JOIN users u ON u.id = c.teacher_id "
            "WHERE g.student_id = %s AND c.term = %s GROUP BY c.name, u.full_name ORDER BY c.name",
            (student_id, term),
        )
        subjects = cur.fetchall()  # ok: DB002
        cur.execute(
            "SELECT count(*) FILTER (WHERE status IN ('present', 'late')) AS attended, count(*) AS total "
            "FROM attendance a JOIN classes c ON c.id = a.class_id WHERE a.student_id = %s AND c.term = %s",
            (student_id, term),
        )
        attendance = cur.fetchone()

    html = _templates.get_template("report_card.html").render(
        student=student, term=term, subjects=subjects, attendance=attendance
    )
    try:
        pdf = _html_to_pdf(html)
    except (subprocess.TimeoutExpired, RuntimeError):
        logger.exception("report card rendering failed for student %s, term %s", student_id, term)
        abort(503)
    logger.info("report card for student %s, term %s generated for user %s", student_id, term, current_user.id)
    return send_file(  # ok: SCL002
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"report-card-{student_id}-{term}.pdf",
    )
