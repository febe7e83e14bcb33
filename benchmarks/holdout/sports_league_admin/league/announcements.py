"""League announcements: draft, preview with season placeholders, and e-mail to captains."""
import logging

from flask import Blueprint, abort, jsonify, render_template, render_template_string, request, session

from .auth import admin_required
from .db import transaction
from .notify import queue_email

logger = logging.getLogger(__name__)
bp = Blueprint("announcements", __name__, url_prefix="/announcements")


def _current_season(cur):
    cur.execute("SELECT id, name, year, early_deadline FROM seasons WHERE is_current LIMIT 1")
    return cur.fetchone()


@bp.get("/")
@admin_required
def list_announcements():
    with transaction() as cur:
        cur.execute(
            "SELECT id, subject, created_at, sent_at FROM announcements ORDER BY created_at DESC LIMIT 50"
        )
        rows = cur.fetchall()
    return render_template("announcements.html", announcements=rows)


@bp.post("/")
@admin_required
def create_announcement():
    subject = (request.form.get("subject") or "").strip()
    body = (request.form.get("body") or "").strip()
    if not subject or not body or len(subject) > 150 or len(body) > 20_000:
        abort(400)
    with transaction() as cur:
        season = _current_season(cur)
        cur.execute(
            "INSERT INTO announcements (season_id, subject, body, author_id) VALUES (%s, %s, %s, %s) RETURNING id",
            (season["id"], subject, body, session["user_id"]),
        )
        announcement_id = cur.fetchone()["id"]
    logger.info("announcement %s drafted by user %s", announcement_id, session["user_id"])
    return jsonify(id=announcement_id), 201


@bp.post("/preview")
@admin_required
def preview():
    """Officials write {{ season.name }} or {{ season.early_deadline }} in the body."""
    with transaction() as cur:
        season = _current_season(cur)
    rendered = render_template_string(request.form.get("body", ""), season=season)  # expect: SEC016
    return render_template("announcement_preview.html", rendered=rendered)


@bp.post("/<int:announcement_id>/send")
def send_announcement(announcement_id):  # expect: SEC018
    with transaction() as cur:
        cur.execute(
            "SELECT id, subject, body, season_id, sent_at FROM announcements WHERE id = %s FOR UPDATE",
            (announcement_id,),
        )
        announcement = cur.fetchone()
        if announcement is None:
            abort(404)
        if announcement["sent_at"] is not None:
            return jsonify(error="already sent"), 409
        cur.execute(
            "SELECT DISTINCT u.email FROM teams t JOIN users u ON u.id = t.captain_id WHERE t.season_id = %s",
            (announcement["season_id"],),
        )
        recipients = [row["email"] for row in cur.fetchall()]
        for email in recipients:
            queue_email(
                cur,
                email,
                announcement["subject"],
                "announcement.html",
                dedupe_key=f"announcement-{announcement_id}-{email}",
                body=announcement["body"],
            )
        cur.execute("UPDATE announcements SET sent_at = now() WHERE id = %s", (announcement_id,))
    print(f"queued announcement {announcement_id} for {len(recipients)} captains")  # expect: OBS001
    return jsonify(queued=len(recipients))
