import logging
from datetime import date
from functools import wraps

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from movers.models import QuoteRequest, db

log = logging.getLogger(__name__)
bp = Blueprint("quote_admin", __name__, url_prefix="/admin/quotes")

ALLOWED_STATUSES = {"new", "surveyed", "approved", "booked", "completed", "expired"}


def staff_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def _row(quote):
    latest = max(quote.visits, key=lambda v: v.starts_at, default=None)  # ok: DB001
    return {
        "id": quote.id,
        "customer_id": quote.customer_id,
        "move_date": quote.move_date.isoformat(),
        "origin_zip": quote.origin_zip,
        "estimate_cents": quote.estimate_cents,
        "status": quote.status,
        "surveyed_at": latest.starts_at.isoformat() if latest else None,
    }


@bp.get("")
@staff_only
def list_quotes():
    status = request.args.get("status", "new")
    if status not in ALLOWED_STATUSES:
        return jsonify(error="unknown_status"), 400
    page = request.args.get("page", 1, type=int)
    query = (QuoteRequest.query.options(selectinload(QuoteRequest.visits))
             .filter(QuoteRequest.status == status)
             .order_by(QuoteRequest.move_date.asc()))
    if request.args.get("from"):
        query = query.filter(QuoteRequest.move_date >= date.fromisoformat(request.args["from"]))
    result = query.paginate(page=page, per_page=50, error_out=False)  # ok: DB002
    return jsonify(items=[_row(q) for q in result.items], page=page, pages=result.pages,
                   total=result.total)


@bp.get("/<int:quote_id>")
@staff_only
def quote_detail(quote_id):
    quote = db.get_or_404(QuoteRequest, quote_id)  # ok: SEC018
    return jsonify(_row(quote))


@bp.post("/<int:quote_id>/approve")
@staff_only
def approve_quote(quote_id):
    body = request.get_json(force=True)
    estimate = int(body.get("estimate_cents", 0))
    if estimate <= 0:
        return jsonify(error="invalid_estimate"), 400
    updated = (QuoteRequest.query
               .filter(QuoteRequest.id == quote_id, QuoteRequest.status.in_(("new", "surveyed")))
               .update({"status": "approved", "estimate_cents": estimate},
                       synchronize_session=False))  # ok: DB004
    db.session.commit()
    if not updated:
        return jsonify(error="not_approvable"), 409
    log.info("quote %s approved by staff %s at %s cents", quote_id, current_user.id, estimate)
    return jsonify(id=quote_id, status="approved", estimate_cents=estimate)


@bp.post("/<int:quote_id>/expire")
@staff_only
def expire_quote(quote_id):
    updated = (QuoteRequest.query
               .filter(QuoteRequest.id == quote_id, QuoteRequest.status != "completed")
               .update({"status": "expired"}, synchronize_session=False))
    db.session.commit()
    if not updated:
        return jsonify(error="not_found_or_completed"), 404
    return jsonify(id=quote_id, status="expired")
