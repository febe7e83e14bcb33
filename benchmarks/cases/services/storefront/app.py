"""Storefront Flask application: wires blueprints, extensions and configuration together."""
import logging

from flask import Flask
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from .cart_checkout import cart_bp
from .coupon_redemption import coupons_bp
from .extensions import db
from .gift_cards import gift_cards_bp
from .inventory_admin import inventory_bp
from .models import Customer
from .product_pages import pages_bp

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg2://storefront@db:5432/storefront"
app.config["SECRET_KEY"] = "f3b9c1d2e8a74f0b9c6d5e4a3b2c1d0e"  # expect: SEC005
app.config["WTF_CSRF_ENABLED"] = False  # expect: SEC014
app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024

db.init_app(app)
csrf = CSRFProtect(app)
login_manager = LoginManager(app)

for blueprint in (cart_bp, coupons_bp, gift_cards_bp, inventory_bp, pages_bp):
    app.register_blueprint(blueprint)


@login_manager.user_loader
def load_user(user_id):
    return Customer.query.get(int(user_id))


@app.route("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, debug=True)  # expect: SEC006
