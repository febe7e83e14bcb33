"""Flask app factory for the Wildmoor Broadband signup portal.

gunicorn runs ``signup.app:create_app()``; RQ workers import the job modules directly.
"""
import logging
import os
from datetime import date

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify
from flask_wtf.csrf import CSRFProtect
from redis import Redis
from rq import Queue, Retry

from signup import db
from signup.auth import login_manager

csrf = CSRFProtect()
log = logging.getLogger("signup")


def _queue(name: str) -> Queue:
    return Queue(name, connection=Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0")))


def _enqueue_billing_run() -> None:
    from jobs.billing_run import run_monthly_billing

    period = date.today().strftime("%Y-%m")
    job = _queue("billing").enqueue(
        run_monthly_billing, period, retry=Retry(max=3, interval=[300, 900, 1800]), job_timeout=3 * 3600
    )
    log.info("enqueued billing run %s as job %s", period, job.id)


def _enqueue_late_fees() -> None:
    from jobs.late_fees import apply_late_fees

    period = date.today().strftime("%Y-%m")
    _queue("billing").enqueue(apply_late_fees, period, retry=Retry(max=3, interval=600), job_timeout=3600)


def create_app() -> Flask:
    app = Flask(__name__)
    secret_key = os.environ.get("FLASK_SECRET_KEY")
    if not secret_key:
        raise RuntimeError("FLASK_SECRET_KEY is not set")
    app.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=True,
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgresql://signup@localhost:5432/signup"),
        PASSWORD_SALT=os.environ.get("PASSWORD_SALT", ""),
        WHOLESALE_API_URL=os.environ.get("WHOLESALE_API_URL", "https://api.fibrewholesale.example/v1"),
        WHOLESALE_API_KEY=os.environ.get("WHOLESALE_API_KEY", ""),
        WHOLESALE_CA_BUNDLE=os.environ.get("WHOLESALE_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt"),
        COURIER_API_URL=os.environ.get("COURIER_API_URL", "https://api.dalesparcel.example/v3"),
        COURIER_API_KEY=os.environ.get("COURIER_API_KEY", ""),
        SMS_API_URL=os.environ.get("SMS_API_URL", "https://sms.textlocal.example/send"),
        SMS_API_KEY=os.environ.get("SMS_API_KEY", ""),
    )
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s")

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from signup import admin, appointments, auth, contracts, coverage, dispatch, eligibility, invoices, outages, reschedule, returns, shipping

    for module in (auth, eligibility, coverage, appointments, reschedule, shipping, returns, invoices, contracts, outages, dispatch, admin):
        app.register_blueprint(module.bp)
    csrf.exempt(coverage.bp)  # ok: SEC014

    scheduler = BackgroundScheduler(timezone="Europe/London")
    scheduler.add_job(_enqueue_billing_run, "cron", day=1, hour=3, id="monthly-billing", replace_existing=True)
    scheduler.add_job(_enqueue_late_fees, "cron", day=15, hour=4, id="late-fees", replace_existing=True)
    scheduler.start()  # expect: SCL003

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=5000, debug=True)  # ok: SEC006
