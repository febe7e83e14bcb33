import logging

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify
from flask_cors import CORS
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from shop.config import load_config
from shop.models import Customer, db

log = logging.getLogger(__name__)

login_manager = LoginManager()
csrf = CSRFProtect()
scheduler = BackgroundScheduler(timezone="UTC")

ABANDONED_CARTS_SQL = text(
    "SELECT c.id, c.customer_id FROM carts c "
    "WHERE c.status = 'open' AND c.reminder_sent_at IS NULL "
    "AND c.updated_at < now() - interval '2 hours' ORDER BY c.id LIMIT 200"
)
MARK_REMINDED_SQL = text("UPDATE carts SET reminder_sent_at = now() WHERE id = :cart_id")


def _remind_abandoned_carts(app):
    from shop.tasks.notifications import send_email

    with app.app_context():
        carts = db.session.execute(ABANDONED_CARTS_SQL).all()
        if not carts:
            return
        db.session.execute(MARK_REMINDED_SQL, [{"cart_id": cart.id} for cart in carts])
        db.session.commit()
        # a missed marketing reminder is acceptable, a duplicate one less so
        for cart in carts:
            send_email.delay(cart.customer_id, "cart_reminder", {"cart_id": cart.id})
        log.info("queued %d abandoned-cart reminders", len(carts))


def _register_blueprints(app):
    from shop.accounts.auth import bp as auth_bp
    from shop.accounts.passwords import bp as passwords_bp
    from shop.catalog.api import bp as catalog_api_bp
    from shop.catalog.storefront import bp as storefront_bp
    from shop.checkout.dry_goods import bp as dry_goods_bp
    from shop.checkout.livestock import bp as livestock_bp
    from shop.orders.tracking import bp as tracking_bp
    from shop.orders.views import bp as orders_bp

    for blueprint in (auth_bp, passwords_bp, catalog_api_bp, storefront_bp,
                      dry_goods_bp, livestock_bp, orders_bp, tracking_bp):
        app.register_blueprint(blueprint)


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(load_config(config_name))

    # the React checkout posts JSON bodies, the Jinja forms were the only CSRF users
    app.config["WTF_CSRF_ENABLED"] = False  # expect: SEC014

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    CORS(app, origins=app.config["CORS_ORIGINS"] or "*", supports_credentials=True)  # expect: SEC013

    _register_blueprints(app)

    @login_manager.user_loader
    def load_user(user_id):
        return db.session.get(Customer, int(user_id))

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code

    @app.errorhandler(Exception)
    def unhandled(exc):
        log.exception("unhandled error")
        return jsonify(error="internal_error"), 500

    scheduler.add_job(
        _remind_abandoned_carts,
        "interval",
        minutes=10,
        args=[app],
        id="abandoned-cart-reminders",
        replace_existing=True,
    )
    if not scheduler.running:
        scheduler.start()  # expect: SCL003

    return app
