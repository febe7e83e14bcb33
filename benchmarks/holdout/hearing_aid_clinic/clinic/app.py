"""Application factory, Celery wiring and the morning digest sender."""
import logging
import os
import threading
import time
from datetime import date, datetime

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask, jsonify
from flask_wtf import CSRFProtect

from clinic.config import Config
from clinic.models import db, login_manager

csrf = CSRFProtect()


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        beat_schedule={
            "battery-shipments": {"task": "clinic.tasks.battery_shipments.ship_due_subscriptions",
                                  "schedule": crontab(hour=5, minute=0)},
            "battery-reminders": {"task": "clinic.tasks.reminders.send_battery_reminders",
                                  "schedule": crontab(hour=9, minute=30)},
        },
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _digest_loop(app: Flask) -> None:
    from clinic.reports.staff_reports import send_daily_digest

    last_sent: date | None = None
    while True:
        now = datetime.now()
        if now.hour == 7 and last_sent != now.date():
            with app.app_context():
                try:
                    send_daily_digest()
                    last_sent = now.date()
                except Exception:
                    app.logger.exception("daily digest failed")
        time.sleep(300)


def create_app(config_object=Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")

    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "portal_account.login"
    csrf.init_app(app)

    from clinic import auth
    from clinic.appointments import booking, rescheduling
    from clinic.fittings import live_session
    from clinic.insurance import eligibility, preauth
    from clinic.orders import manufacturer, tracking
    from clinic.portal import account, audiograms
    from clinic.reports import staff_reports
    from clinic.staff import audiogram_review

    for module in (auth, account, audiograms, audiogram_review, booking, rescheduling, manufacturer,
                   tracking, preauth, eligibility, live_session, staff_reports):
        app.register_blueprint(module.bp)

    celery_init_app(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    if app.config["DAILY_DIGEST_ENABLED"] and not app.testing:
        threading.Thread(target=_digest_loop, args=(app,), name="daily-digest", daemon=True).start()  # expect: SCL003

    return app


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: SEC006
