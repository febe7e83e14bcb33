"""Harbour-master notices: draft, preview, publish and SMS to berth holders."""
import functools
import logging
from datetime import date, datetime, timezone

import requests
from flask import (Blueprint, abort, current_app, flash, redirect, render_template,
                   render_template_string, request, url_for)
from flask_login import current_user, login_required

from marina.models import Booking, Notice, Owner, db

log = logging.getLogger(__name__)
bp = Blueprint("notices_admin", __name__, url_prefix="/harbour/notices")

SEVERITIES = ("info", "caution", "warning", "closure")
PREVIEW_PAGE = """{% extends "harbour/base.html" %}
{% block content %}<article class="notice notice--{{ severity }}">__BODY__</article>{% endblock %}"""


def harbourmaster_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_harbourmaster:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


@bp.get("/new")
@login_required
@harbourmaster_required
def new_notice():
    return render_template("harbour/notice_form.html", severities=SEVERITIES)


@bp.post("/preview")
@login_required
@harbourmaster_required
def preview_notice():
    body = request.form.get("body", "")
    severity = request.form.get("severity", "info")
    return render_template_string(PREVIEW_PAGE.replace("__BODY__", body), severity=severity)  # expect: SEC016


@bp.post("")
@login_required
@harbourmaster_required
def publish_notice():
    severity = request.form.get("severity", "info")
    if severity not in SEVERITIES:
        abort(400, "unknown severity")
    notice = Notice(
        title=request.form["title"][:160],
        body=request.form["body"],
        severity=severity,
        author_id=current_user.id,
        published_at=datetime.now(timezone.utc),
    )
    db.session.add(notice)
    db.session.commit()
    if severity in ("warning", "closure"):
        sent = _text_berth_holders(notice)
        flash(f"Notice published and sent to {sent} skippers")
    return redirect(url_for("notices_public.show_notice", notice_id=notice.id))


def _text_berth_holders(notice):
    on_site = Booking.query.filter(
        Booking.status == "confirmed",
        Booking.arrive <= date.today(),
        Booking.depart >= date.today(),
    ).all()
    sent = 0
    for booking in on_site:
        owner = db.session.get(Owner, booking.owner_id)  # expect: DB001
        if not owner.phone:
            continue
        try:
            resp = requests.post(
                current_app.config["SMS_GATEWAY_URL"],
                json={"to": owner.phone, "text": f"[{notice.severity.upper()}] {notice.title}"},
                headers={"X-Api-Key": current_app.config["SMS_GATEWAY_KEY"]},
                timeout=5,
            )
            resp.raise_for_status()
            sent += 1
        except requests.RequestException:
            log.warning("notice %s: SMS to owner %s failed", notice.id, owner.id, exc_info=True)
    return sent


@bp.post("/<int:notice_id>/withdraw")
@login_required
def withdraw_notice(notice_id):
    notice = db.session.get(Notice, notice_id)  # expect: SEC018
    if notice is None:
        abort(404)
    notice.expires_at = datetime.now(timezone.utc)
    db.session.commit()
    log.info("notice %s withdrawn by %s", notice.id, current_user.id)
    return redirect(url_for("notices_public.list_notices"))
