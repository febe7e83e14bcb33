import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from models import ClassBooking, Member, PotteryClass, db

log = logging.getLogger(__name__)
bp = Blueprint("classes", __name__, url_prefix="/classes")


def class_json(klass):
    return {
        "id": klass.id,
        "title": klass.title,
        "instructor": klass.instructor.display_name,
        "starts_at": klass.starts_at.isoformat(),
        "seats_left": max(klass.capacity - klass.seats_taken, 0),
        "price_pence": klass.price_pence,
    }


@bp.get("/")
def upcoming():
    page = request.args.get("page", 1, type=int)
    now = datetime.now(timezone.utc)
    query = (
        PotteryClass.query.options(joinedload(PotteryClass.instructor))
        .filter(PotteryClass.starts_at >= now)
        .order_by(PotteryClass.starts_at)
    )
    pager = query.paginate(page=page, per_page=20, error_out=False)
    return jsonify(
        classes=[class_json(k) for k in pager.items],  # ok: DB001
        page=page,
        pages=pager.pages,
    )


@bp.post("/<int:class_id>/book")
@login_required
def book(class_id):
    klass = db.session.get(PotteryClass, class_id)
    if klass is None:
        abort(404)
    if klass.starts_at <= datetime.now(timezone.utc):
        return jsonify(error="class_started"), 409
    if klass.seats_taken >= klass.capacity:
        return jsonify(error="class_full"), 409

    booking = ClassBooking(class_id=klass.id, member_id=current_user.id)
    db.session.add(booking)
    klass.seats_taken = klass.seats_taken + 1  # expect: DB004, DB005
    db.session.commit()
    log.info("member %s booked class %s", current_user.id, klass.id)
    return jsonify(booking_id=booking.id, **class_json(klass)), 201


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id):
    booking = db.session.get(ClassBooking, booking_id)  # expect: SEC018
    if booking is None or booking.status != "booked":
        abort(404)
    klass = db.session.get(PotteryClass, booking.class_id)
    window = timedelta(hours=current_app.config["CLASS_CANCELLATION_HOURS"])
    if klass.starts_at - datetime.now(timezone.utc) < window:
        return jsonify(error="too_late_to_cancel"), 409

    flipped = ClassBooking.query.filter_by(id=booking.id, status="booked").update(  # ok: DB005
        {ClassBooking.status: "cancelled"}, synchronize_session=False
    )
    if flipped:
        PotteryClass.query.filter_by(id=klass.id).update(  # ok: DB004
            {PotteryClass.seats_taken: PotteryClass.seats_taken - 1}
        )
    db.session.commit()
    log.info("booking %s cancelled by member %s", booking.id, current_user.id)
    return jsonify(status="cancelled")


@bp.get("/<int:class_id>/roster")
@login_required
def roster(class_id):
    assert current_user.role in ("instructor", "admin"), "staff only"  # expect: SEC017
    klass = db.session.get(PotteryClass, class_id) or abort(404)
    rows = (
        db.session.query(ClassBooking, Member)
        .join(Member, Member.id == ClassBooking.member_id)
        .filter(ClassBooking.class_id == klass.id, ClassBooking.status == "booked")
        .order_by(Member.display_name)
        .all()  # ok: DB002
    )
    return jsonify(
        class_id=klass.id,
        students=[{"member_id": m.id, "name": m.display_name} for _, m in rows],
    )
