"""Public notice board and tide panel shown on the marina website."""
import logging
from datetime import date, datetime, timezone
from functools import lru_cache

import requests
from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup
from sqlalchemy import or_

from marina.models import Notice, db

log = logging.getLogger(__name__)
bp = Blueprint("notices_public", __name__)

_BADGES = {
    "info": Markup('<span class="badge badge-info">Info</span>'),
    "caution": Markup('<span class="badge badge-caution">Caution</span>'),
    "warning": Markup('<span class="badge badge-warning">Warning</span>'),
    "closure": Markup('<span class="badge badge-closure">Closure</span>'),
}


@bp.app_template_filter("severity_badge")
def severity_badge(severity):
    return _BADGES.get(severity, _BADGES["info"])  # ok: SEC016


def _live_notices():
    now = datetime.now(timezone.utc)
    return Notice.query.filter(
        Notice.published_at <= now,
        or_(Notice.expires_at.is_(None), Notice.expires_at > now),
    ).order_by(Notice.published_at.desc())


@lru_cache(maxsize=32)  # ok: RES002
def _tide_table(day_iso):
    resp = requests.get(
        f"{current_app.config['TIDE_API_URL']}/stations/kestrel-quay/predictions",
        params={"date": day_iso},
        timeout=current_app.config["HTTP_TIMEOUT_SECONDS"],
    )
    resp.raise_for_status()
    return tuple((p["time"], p["height_m"], p["type"]) for p in resp.json()["predictions"][:8])


def _tides_for_today():
    try:
        return _tide_table(date.today().isoformat())
    except requests.RequestException:
        log.warning("tide service unavailable, rendering board without tides", exc_info=True)
        return ()


@bp.get("/notices")
def list_notices():  # ok: SEC018
    page = _live_notices().paginate(per_page=20, max_per_page=50, error_out=False)  # ok: DB002
    return render_template("notices/list.html", page=page, tides=_tides_for_today())


@bp.get("/notices/<int:notice_id>")
def show_notice(notice_id):
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404)
    return render_template("notices/show.html", notice=notice)  # ok: SEC016


@bp.get("/notices/board.txt")
def board_text():
    lines = [f"{n.published_at:%d %b %H:%M}  {n.severity.upper():8}  {n.title}"
             for n in _live_notices().limit(30)]
    return "\n".join(lines) or "No notices in force.", 200, {"Content-Type": "text/plain; charset=utf-8"}
