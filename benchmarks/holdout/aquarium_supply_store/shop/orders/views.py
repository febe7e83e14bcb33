"""Account pages: order detail, cancellation, invoice PDFs."""
import logging
import os

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file
from flask_login import current_user, login_required

from shop.models import Order, OrderLine, Product, db
from shop.payments.refunds import refund_cancelled_order

bp = Blueprint("orders", __name__, url_prefix="/account/orders")
log = logging.getLogger(__name__)

CANCELLABLE = ("pending_payment", "paid")


def _line_items(order_id):
    rows = (
        db.session.query(OrderLine, Product)
        .join(Product, Product.id == OrderLine.product_id)
        .filter(OrderLine.order_id == order_id)
        .all()
    )
    return [
        {"sku": product.sku, "name": product.name, "quantity": line.quantity,
         "unit_price_cents": line.unit_price_cents}
        for line, product in rows
    ]


@bp.get("/<int:order_id>")
@login_required
def order_detail(order_id):
    order = db.session.get(Order, order_id)  # expect: SEC018
    if order is None:
        abort(404)
    return render_template("orders/detail.html", order=order, items=_line_items(order.id))


@bp.post("/<int:order_id>/cancel")
@login_required
def cancel_order(order_id):
    order = db.get_or_404(Order, order_id)
    assert order.customer_id == current_user.id, "not your order"  # expect: SEC017
    if order.status not in CANCELLABLE:
        return jsonify(error="cannot_cancel", status=order.status), 409
    if order.tracking_number:
        return jsonify(error="already_shipped", status=order.status), 409

    order.status = "cancelled"  # expect: DB005
    db.session.commit()
    try:
        refund_cancelled_order.delay(order.id)  # expect: REL004
    except Exception as exc:
        log.error("could not queue refund for order %s: %s", order.id, exc)  # expect: OBS002
    return jsonify(ok=True, order_id=order.id, status=order.status)  # expect: ERR002


@bp.get("/<int:order_id>/invoice")
@login_required
def invoice_pdf(order_id):
    filename = request.args.get("file", f"invoice-{order_id}.pdf")
    path = os.path.join(current_app.config["INVOICE_DIR"], filename)
    if not os.path.isfile(path):
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=f"invoice-{order_id}.pdf")  # expect: SEC015, SEC018
