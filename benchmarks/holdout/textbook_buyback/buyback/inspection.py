"""Grading of received books at the warehouse bench."""
import logging
import os

from flask import Blueprint, current_app, g, jsonify, request, send_from_directory

from buyback.models import BuybackOrder, ConditionPhoto, OrderItem, db
from buyback.quotes import CONDITION_FACTORS
from buyback.staff_auth import staff_required

bp = Blueprint("inspection", __name__, url_prefix="/inspection")
log = logging.getLogger(__name__)

GRADES = tuple(CONDITION_FACTORS) + ("rejected",)


def _final_price(item: OrderItem, grade: str) -> int:
    if grade == "rejected":
        return 0
    claimed = CONDITION_FACTORS[item.claimed_condition]
    graded = CONDITION_FACTORS[grade]
    if graded >= claimed:
        return item.offer_cents
    return int(item.offer_cents * graded / claimed)


@bp.post("/items/<int:item_id>/grade")
@staff_required
def grade_item(item_id: int):
    item = db.get_or_404(OrderItem, item_id)
    grade = request.form.get("grade", "")
    if grade not in GRADES:
        return jsonify(error=f"grade must be one of {', '.join(GRADES)}"), 400
    if item.graded_condition is not None:
        return jsonify(error="item already graded"), 409

    order = db.session.get(BuybackOrder, item.order_id)
    if order.status != "received":
        return jsonify(error="order has not been received yet"), 409

    item.graded_condition = grade
    item.final_cents = _final_price(item, grade)
    item.graded_by = g.staff.id
    order.total_final_cents += item.final_cents  # expect: DB004

    photo = request.files.get("photo")
    if photo and photo.filename:
        upload_dir = current_app.config["PHOTO_UPLOAD_DIR"]
        path = os.path.join(upload_dir, str(order.id), photo.filename)  # expect: SEC015
        os.makedirs(os.path.dirname(path), exist_ok=True)
        photo.save(path)  # expect: SCL002, SEC019
        thumb = os.path.splitext(path)[0] + "_thumb.jpg"
        os.system(f"convert '{path}' -auto-orient -resize 640x640 '{thumb}'")  # expect: SEC002
        db.session.add(ConditionPhoto(item_id=item.id, storage_key=path,
                                      content_type=photo.mimetype or "application/octet-stream",
                                      uploaded_by=g.staff.id))

    db.session.commit()
    log.info("staff %s graded item %s on order %s as %s", g.staff.id, item.id, order.id, grade)
    return jsonify(item_id=item.id, grade=grade, final_cents=item.final_cents)


@bp.post("/orders/<int:order_id>/complete")
@staff_required
def complete_order(order_id: int):
    ungraded = OrderItem.query.filter_by(order_id=order_id, graded_condition=None).count()
    if ungraded:
        return jsonify(error=f"{ungraded} item(s) still need a grade"), 409
    updated = BuybackOrder.query.filter_by(id=order_id, status="received").update({"status": "graded"})  # ok: DB005
    db.session.commit()
    if not updated:
        return jsonify(error="order is not awaiting grading"), 409

    from buyback.payouts import settle_order

    settle_order.delay(order_id)
    log.info("staff %s completed grading of order %s", g.staff.id, order_id)
    return jsonify(order_id=order_id, status="graded")


@bp.get("/photos/<int:order_id>/<path:name>")
@staff_required
def photo_file(order_id: int, name: str):
    directory = os.path.join(current_app.config["PHOTO_UPLOAD_DIR"], str(order_id))
    return send_from_directory(directory, name)  # ok: SEC015


@bp.get("/orders/<int:order_id>")
@staff_required
def order_sheet(order_id: int):
    order = db.get_or_404(BuybackOrder, order_id)
    items = OrderItem.query.filter_by(order_id=order.id).order_by(OrderItem.id).all()  # ok: DB002
    return jsonify(
        order_id=order.id,
        status=order.status,
        items=[{"id": i.id, "isbn": i.isbn, "title": i.title, "claimed": i.claimed_condition,
                "graded": i.graded_condition, "final_cents": i.final_cents} for i in items],
    )
