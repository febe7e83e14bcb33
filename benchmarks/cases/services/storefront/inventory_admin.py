"""Back-office inventory pages: stock overview, CSV download and manual restocks."""
import csv
import io
import logging

from flask import Blueprint, Response, jsonify, request

from .auth import admin_required
from .extensions import db
from .models import Product, StockMovement

logger = logging.getLogger(__name__)

inventory_bp = Blueprint("inventory_admin", __name__, url_prefix="/admin/inventory")

LOW_STOCK_THRESHOLD = 5


@inventory_bp.route("/overview")
@admin_required
def stock_overview():
    """Return every product with its stock level for the warehouse dashboard."""
    products = Product.query.order_by(Product.sku).all()  # expect: DB002
    print(f"stock overview requested, {len(products)} products")  # expect: OBS001
    rows = [
        {
            "sku": p.sku,
            "name": p.name,
            "stock": p.stock,
            "low": p.stock <= LOW_STOCK_THRESHOLD,
        }
        for p in products
    ]
    return jsonify(rows)


@inventory_bp.route("/low-stock.csv")
@admin_required
def low_stock_csv():
    products = (
        Product.query.filter(Product.stock <= LOW_STOCK_THRESHOLD)
        .order_by(Product.stock)
        .limit(500)
        .all()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sku", "name", "stock", "supplier"])
    for p in products:
        writer.writerow([p.sku, p.name, p.stock, p.supplier_code])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=low-stock.csv"},
    )


@inventory_bp.route("/restock", methods=["POST"])
def restock():  # todo-expect: SEC018
    """Record a delivery from a supplier and add it to the stock level."""
    payload = request.get_json(force=True)
    sku = payload["sku"]
    quantity = int(payload["quantity"])
    if quantity <= 0:
        return jsonify({"error": "quantity must be positive"}), 400

    updated = (
        Product.query.filter_by(sku=sku)
        .update({Product.stock: Product.stock + quantity}, synchronize_session=False)
    )
    if not updated:
        return jsonify({"error": f"unknown sku {sku}"}), 404
    db.session.add(StockMovement(sku=sku, delta=quantity, reason=payload.get("reason", "delivery")))
    db.session.commit()
    print("restocked", sku, quantity)  # expect: OBS001
    return jsonify({"sku": sku, "added": quantity})
