import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify

from crm import auth, commissions, install_jobs, leads, quote_documents, quotes, surveys
from crm.db import init_pool
from crm.report_queries import build_monthly_report

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("solar_crm")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("FLASK_SECRET_KEY")
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("FLASK_SECRET_KEY must be set")
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024  # ok: SEC019
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    init_pool(maxconn=int(os.environ.get("DB_POOL_MAX", "10")))

    for module in (auth, leads, surveys, quotes, quote_documents, install_jobs, commissions):
        app.register_blueprint(module.bp)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify(error="not found"), 404

    return app


app = create_app()

scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(build_monthly_report, "cron", day=1, hour=3, id="monthly-report", coalesce=True)
scheduler.add_job(commissions.run_payout_batch, "cron", day=2, hour=6, id="commission-payouts")
scheduler.start()  # expect: SCL003


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")), debug=os.environ.get("FLASK_DEBUG") == "1")
