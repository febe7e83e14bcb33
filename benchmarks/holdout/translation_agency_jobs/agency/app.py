"""Flask application factory. Gunicorn entry point: `agency.app:app`."""
from __future__ import annotations

import logging
import os
import threading

import yaml
from flask import Flask, jsonify

from . import db, web
from .documents import bp as documents_bp
from .invoice_render import bp as invoice_render_bp
from .invoices import bp as invoices_bp
from .jobs import bp as jobs_bp
from .mt_prepass import bp as mt_bp
from .mt_prepass import poll_vendor_callbacks
from .payouts import bp as payouts_bp
from .quotes import bp as quotes_bp
from .uploads import bp as uploads_bp
from .assignment import bp as assignment_bp

logging.basicConfig(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    format="%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
)
log = logging.getLogger("agency")

RATE_CARD_PATH = os.environ.get("RATE_CARD", "/etc/agency/rates.yaml")


def load_rate_card(path: str) -> dict:
    """Default per-word rates by language pair, shipped in the config map."""
    with open(path, encoding="utf-8") as fh:
        card = yaml.safe_load(fh)  # ok: SEC004
    return {pair.upper(): float(rate) for pair, rate in card.get("per_word_eur", {}).items()}


def create_app() -> Flask:
    app = Flask(__name__, template_folder="../templates")
    app.config["SECRET_KEY"] = os.environ.get("FLASK_SECRET_KEY", "")
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("FLASK_SECRET_KEY must be set")
    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG", "1") == "1"  # expect: SEC006
    app.config["MAX_CONTENT_LENGTH"] = 40 * 1024 * 1024
    app.config["RATES"] = load_rate_card(RATE_CARD_PATH)

    web.configure(app)
    db.open_pool()

    for blueprint in (
        uploads_bp,
        documents_bp,
        quotes_bp,
        jobs_bp,
        assignment_bp,
        payouts_bp,
        mt_bp,
        invoices_bp,
        invoice_render_bp,
    ):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def healthz():
        ok = db.healthy()
        return jsonify({"database": ok}), (200 if ok else 503)

    poller = threading.Thread(target=poll_vendor_callbacks, name="mt-callbacks", daemon=True)
    poller.start()  # expect: SCL003
    log.info("agency app started, %d blueprints", len(app.blueprints))
    return app


app = create_app()
