import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from movers.models import QuoteRequest, SurveyVisit, db

log = logging.getLogger(__name__)
bp = Blueprint("quotes", __name__, url_prefix="/quotes")

CUFT_PER_ROOM = 350
CENTS_PER_CUFT = 95


def _estimate(rooms, volume_cuft=None):
    volume = volume_cuft or rooms * CUFT_PER_ROOM
    return volume * CENTS_PER_CUFT


def _latest_visit(quote_id):
    return (SurveyVisit.query.filter_by(quote_id=quote_id)
            .order_by(SurveyVisit.starts_at.desc()).first())


def _serialize(quote, visit=None):
    data = {
        "id": quote.id,
        "origin": quote.origin_address,
        "destination": quote.destination_address,
        "move_date": quote.move_date.isoformat(),
        "rooms": quote.rooms,
        "estimate_cents": quote.estimate_cents,
        "status": quote.status,
    }
    if visit is not None:
        data["survey"] = {"starts_at": visit.starts_at.isoformat(), "status": visit.status}
    return data


@bp.post("")
@login_required
def create_quote():
    body = request.get_json(force=True)
    try:
        move_date = date.fromisoformat(body["move_date"])
        rooms = int(body["rooms"])
    except (KeyError, ValueError):
        return jsonify(error="invalid_input"), 400
    if move_date <= date.today() or not 1 <= rooms <= 20:
        return jsonify(error="invalid_input"), 400
    quote = QuoteRequest(
        customer_id=current_user.id,
        origin_address=body.get("origin_address", ""),
        origin_zip=body.get("origin_zip", ""),
        destination_address=body.get("destination_address", ""),
        move_date=move_date,
        rooms=rooms,
        volume_cuft=body.get("volume_cuft"),
        estimate_cents=_estimate(rooms, body.get("volume_cuft")),
    )
    db.session.add(quote)
    db.session.commit()
    log.info("quote %s created by customer %s", quote.id, current_user.id)
    return jsonify(_serialize(quote)), 201


@bp.get("/mine")
@login_required
def my_quotes():
    quotes = (QuoteRequest.query.filter_by(customer_id=current_user.id)
              .order_by(QuoteRequest.move_date.desc()).limit(50).all())
    return jsonify([_serialize(q, _latest_visit(q.id)) for q in quotes])  # expect: DB001


@bp.get("/<int:quote_id>")
@login_required
def get_quote(quote_id):
    quote = db.get_or_404(QuoteRequest, quote_id)  # expect: SEC018
    return jsonify(_serialize(quote, _latest_visit(quote.id)))


@bp.patch("/<int:quote_id>")
@login_required
def update_quote(quote_id):
    quote = QuoteRequest.query.filter_by(id=quote_id, customer_id=current_user.id).first_or_404()
    if quote.status not in ("new", "surveyed"):
        return jsonify(error="quote_locked"), 409
    body = request.get_json(force=True)
    if "rooms" in body:
        quote.rooms = int(body["rooms"])
        quote.estimate_cents = _estimate(quote.rooms, quote.volume_cuft)
    if "destination_address" in body:
        quote.destination_address = body["destination_address"]
    db.session.commit()
    return jsonify(_serialize(quote))


@bp.get("/search")
@login_required
def search_quotes():
    if not current_user.is_staff:
        abort(403)
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        return jsonify(error="query_too_short"), 400
    matches = QuoteRequest.query.filter(QuoteRequest.destination_address.ilike(f"%{term}%")).all()  # expect: DB006, DB002
    return jsonify([_serialize(q) for q in matches])
