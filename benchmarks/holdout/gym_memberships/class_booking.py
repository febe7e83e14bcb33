"""Class schedule listing and class booking endpoints for members."""
from datetime import datetime, timedelta

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from .models import Booking, GymClass, Instructor, db

bp = Blueprint("classes", __name__, url_prefix="/classes")


def _class_summary(gym_class: GymClass) -> dict:
    instructor = Instructor.query.get(gym_class.instructor_id)
    return {
        "id": gym_class.id,
        "title": gym_class.title,
        "starts_at": gym_class.starts_at.isoformat(),
        "spots_left": gym_class.spots_left,
        "instructor": instructor.name if instructor else None,
    }


@bp.get("/schedule")
def schedule():
    day = request.args.get("day")
    start = datetime.fromisoformat(day) if day else datetime.utcnow().replace(hour=0, minute=0)
    end = start + timedelta(days=1)
    classes = (
        GymClass.query.filter(GymClass.starts_at >= start, GymClass.starts_at < end)
        .order_by(GymClass.starts_at)
        .all()  # ok: DB002
    )
    result = []
    for gym_class in classes:
        result.append(_class_summary(gym_class))  # expect: DB001
    return jsonify(day=start.date().isoformat(), classes=result)


@bp.post("/<int:class_id>/book")
@login_required
def book_class(class_id: int):
    gym_class = GymClass.query.get_or_404(class_id)
    if gym_class.starts_at <= datetime.utcnow():
        return jsonify(error="class has already started"), 409
    if gym_class.spots_left <= 0:
        return jsonify(error="class is full"), 409

    gym_class.spots_left -= 1  # expect: DB004
    booking = Booking(member_id=current_user.id, class_id=gym_class.id)
    db.session.add(booking)
    db.session.commit()
    return jsonify(booking_id=booking.id, spots_left=gym_class.spots_left), 201
