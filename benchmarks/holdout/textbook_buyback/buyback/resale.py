"""Used copies we resell to students on the same campus."""
import logging
from datetime import datetime, timezone

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select

from buyback.models import ResaleListing, db
from buyback.quotes import normalise_isbn

bp = Blueprint("resale", __name__, url_prefix="/resale")
log = logging.getLogger(__name__)

SORTS = {
    "price": ResaleListing.price_cents.asc(),
    "price_desc": ResaleListing.price_cents.desc(),
    "newest": ResaleListing.id.desc(),
}


@bp.get("/listings")
def browse():
    isbn = normalise_isbn(request.args.get("isbn", ""))
    if isbn is None:
        return jsonify(error="isbn is required"), 400
    order_by = SORTS.get(request.args.get("sort", "price"), SORTS["price"])
    listings = db.session.scalars(
        select(ResaleListing)
        .where(ResaleListing.isbn == isbn, ResaleListing.status == "available")
        .order_by(order_by)
        .limit(50)
    ).all()
    return jsonify(listings=[
        {"id": l.id, "condition": l.condition, "price_cents": l.price_cents} for l in listings
    ])


@bp.post("/listings/<int:listing_id>/buy")
@login_required
def buy(listing_id: int):
    payment_method = (request.get_json(silent=True) or {}).get("payment_method")
    if not payment_method:
        return jsonify(error="payment_method is required"), 400
    if not current_user.stripe_customer_id:
        return jsonify(error="add a card to your account first"), 409

    listing = db.get_or_404(ResaleListing, listing_id)
    if listing.status != "available":
        return jsonify(error="this copy has already been sold"), 409

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL004, REL003
            api_key=current_app.config["STRIPE_SECRET_KEY"],
            amount=listing.price_cents,
            currency="usd",
            customer=current_user.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            description=f"Used textbook {listing.isbn} ({listing.condition})",
            metadata={"listing_id": listing.id, "student_id": current_user.id},
        )
    except stripe.error.CardError as exc:
        return jsonify(error=exc.user_message or "card declined"), 402

    listing.status = "sold"  # expect: DB005
    listing.buyer_id = current_user.id
    listing.payment_intent_id = intent.id
    listing.sold_at = datetime.now(timezone.utc)
    db.session.commit()
    log.info("student %s bought listing %s (pi=%s)", current_user.id, listing.id, intent.id)
    return jsonify(listing_id=listing.id, status="sold", payment_intent=intent.id), 201


@bp.get("/purchases")
@login_required
def my_purchases():
    rows = db.session.scalars(
        select(ResaleListing)
        .where(ResaleListing.buyer_id == current_user.id)
        .order_by(ResaleListing.sold_at.desc())
        .limit(100)
    ).all()
    return jsonify(purchases=[
        {"listing_id": r.id, "isbn": r.isbn, "price_cents": r.price_cents,
         "sold_at": r.sold_at.isoformat() if r.sold_at else None} for r in rows
    ])
