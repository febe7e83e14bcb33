"""Annual and seasonal berth contracts for resident boats."""
import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from marina.models import Berth, Boat, Booking, db

log = logging.getLogger(__name__)
bp = Blueprint("contracts", __name__, url_prefix="/api/contracts")

SEASONS = {
    "summer": ((4, 1), (9, 30), 21_000),
    "winter": ((10, 1), (3, 31), 14_500),
    "annual": ((4, 1), (3, 31), 31_000),
}


def _season_window(season, year):
    (m1, d1), (m2, d2), _ = SEASONS[season]
    start = date(year, m1, d1)
    end_year = year + 1 if (m2, d2) < (m1, d1) else year
    return start, date(end_year, m2, d2)


@bp.post("")
@login_required
def create_contract():
    payload = request.get_json(silent=True) or {}
    season = payload.get("season")
    year = payload.get("year")
    if season not in SEASONS or not isinstance(year, int):
        abort(400, "season and year are required")
    start, end = _season_window(season, year)
    boat = Boat.query.filter_by(id=payload.get("boat_id"), owner_id=current_user.id).first_or_404()  # ok: SEC018

    berth = (
        db.session.query(Berth)
        .filter(Berth.id == payload.get("berth_id"))
        .with_for_update()
        .one_or_none()
    )
    if berth is None:
        abort(404, "no such berth")
    if boat.loa_m > berth.max_loa_m or boat.beam_m > berth.max_beam_m:
        abort(409, "boat does not fit this berth")
    clash = Booking.query.filter(
        Booking.berth_id == berth.id,
        Booking.status.in_(("held", "confirmed")),
        Booking.arrive < end,
        Booking.depart > start,
    ).first()
    if clash is not None:
        db.session.rollback()
        abort(409, "berth is not free for the whole season")

    per_metre = SEASONS[season][2]
    contract = Booking(
        berth_id=berth.id, boat_id=boat.id, owner_id=current_user.id, kind=season,
        arrive=start, depart=end, status="held", amount_pence=int(boat.loa_m * per_metre),
    )
    db.session.add(contract)  # ok: DB005
    db.session.commit()
    log.info("contract held booking=%s berth=%s owner=%s", contract.id, berth.id, current_user.id)
    return jsonify(contract.to_dict()), 201


@bp.get("")
@login_required
def my_contracts():
    page = request.args.get("page", 1, type=int)
    result = (
        Booking.query.options(joinedload(Booking.berth))
        .filter(Booking.owner_id == current_user.id, Booking.kind != "visitor")
        .order_by(Booking.arrive.desc())
        .paginate(page=page, per_page=20, max_per_page=50, error_out=False)  # ok: DB002
    )
    items = [dict(b.to_dict(), pontoon=b.berth.pontoon, berth_number=b.berth.number) for b in result.items]  # ok: DB001
    return jsonify(items=items, page=page, pages=result.pages)


@bp.get("/<int:booking_id>")
@login_required
def contract_detail(booking_id):
    contract = Booking.query.filter_by(id=booking_id, owner_id=current_user.id).first_or_404()  # ok: SEC018
    return jsonify(contract.to_dict())
