import logging
import os
from datetime import datetime, timedelta

import requests
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from movers.models import QuoteRequest, SurveyVisit, Surveyor, db

log = logging.getLogger(__name__)
bp = Blueprint("surveys", __name__)

VISIT_LENGTH = timedelta(minutes=90)
CALENDAR_API = os.environ.get("SURVEYOR_CALENDAR_API", "https://calendar.internal.swiftmovers.example")


def _surveyor_for(zip_code):
    return (Surveyor.query.filter_by(region_zip_prefix=zip_code[:3])
            .order_by(Surveyor.id).first())


def _push_to_calendar(surveyor, visit, quote):
    resp = requests.post(
        f"{CALENDAR_API}/calendars/{surveyor.calendar_id}/events",
        json={
            "start": visit.starts_at.isoformat(),
            "end": visit.ends_at.isoformat(),
            "title": f"Home survey #{quote.id}",
            "location": quote.origin_address,
        },
        timeout=5,
    )
    resp.raise_for_status()


@bp.post("/quotes/<int:quote_id>/survey")
@login_required
def book_survey(quote_id):
    quote = QuoteRequest.query.filter_by(id=quote_id, customer_id=current_user.id).first_or_404()
    try:
        starts_at = datetime.fromisoformat(request.get_json(force=True)["starts_at"])
    except (KeyError, ValueError, TypeError):
        return jsonify(error="invalid_start"), 400
    if starts_at.hour < 8 or starts_at.hour > 17:
        return jsonify(error="outside_working_hours"), 400

    surveyor = _surveyor_for(quote.origin_zip)
    if surveyor is None:
        return jsonify(error="area_not_served"), 422

    ends_at = starts_at + VISIT_LENGTH
    clash = SurveyVisit.query.filter(
        SurveyVisit.surveyor_id == surveyor.id,
        SurveyVisit.status == "booked",
        SurveyVisit.starts_at < ends_at,
        SurveyVisit.ends_at > starts_at,
    ).first()
    if clash is not None:
        return jsonify(error="slot_taken"), 409

    visit = SurveyVisit(quote_id=quote.id, surveyor_id=surveyor.id,
                        starts_at=starts_at, ends_at=ends_at)
    db.session.add(visit)  # expect: DB005
    db.session.commit()

    try:
        _push_to_calendar(surveyor, visit, quote)
    except requests.RequestException as exc:
        log.error("calendar sync failed for visit %s: %s", visit.id, exc)  # expect: OBS002
    return jsonify(id=visit.id, starts_at=visit.starts_at.isoformat(),
                   surveyor=surveyor.name), 201


@bp.delete("/surveys/<int:visit_id>")
@login_required
def cancel_survey(visit_id):
    visit = (SurveyVisit.query.join(QuoteRequest)
             .filter(SurveyVisit.id == visit_id, QuoteRequest.customer_id == current_user.id)
             .first_or_404())
    if visit.starts_at - datetime.utcnow() < timedelta(hours=24):
        return jsonify(error="too_late_to_cancel"), 409
    visit.status = "cancelled"
    db.session.commit()
    log.info("survey visit %s cancelled by customer %s", visit.id, current_user.id)
    return "", 204


@bp.get("/surveyors/<int:surveyor_id>/day")
@login_required
def surveyor_day(surveyor_id):
    day = datetime.fromisoformat(request.args.get("date", datetime.utcnow().date().isoformat()))
    visits = (SurveyVisit.query
              .filter(SurveyVisit.surveyor_id == surveyor_id, SurveyVisit.status == "booked",
                      SurveyVisit.starts_at >= day, SurveyVisit.starts_at < day + timedelta(days=1))
              .order_by(SurveyVisit.starts_at).all())
    return jsonify([{"starts_at": v.starts_at.isoformat(), "ends_at": v.ends_at.isoformat()}
                    for v in visits])
