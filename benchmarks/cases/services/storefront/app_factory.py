"""Application factory for the storefront admin site, configured from the environment."""
import logging
import os

from flask import Flask
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from .extensions import db
from .inventory_admin import inventory_bp
from .models import Customer

logger = logging.getLogger(__name__)


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///storefront-dev.db")
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY")  # ok: SEC005
    SESSION_COOKIE_SECURE = True  # ok: SEC012
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_ENABLED = True  # ok: SEC014
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024


def create_app(config_object=Config):
    app = Flask(__name__)
    app.config.from_object(config_object)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("FLASK_SECRET_KEY must be set")

    db.init_app(app)
    CSRFProtect(app)
    login_manager = LoginManager(app)
    login_manager.login_view = "sessions.login"

    @login_manager.user_loader
    def load_user(user_id):
        return db.session.get(Customer, int(user_id))

    app.register_blueprint(inventory_bp)

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    logger.info("admin app created (debug=%s)", app.debug)
    return app


if __name__ == "__main__":
    create_app().run(port=8001, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
