import logging
import time

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select

from helpdesk.config import Config
from helpdesk.models import Agent, close_session, get_session, init_engine

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("helpdesk")

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_agent(agent_id: str):
    return get_session().get(Agent, int(agent_id))


def _start_jobs(app: Flask) -> BackgroundScheduler:
    from helpdesk.mail_ingest import poll_mailbox
    from helpdesk.sla import check_sla

    def in_app_context(fn):
        def run():
            with app.app_context():
                fn()
        run.__name__ = fn.__name__
        return run

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(in_app_context(poll_mailbox), "interval", minutes=1, id="poll-mailbox", max_instances=1, coalesce=True)
    scheduler.add_job(in_app_context(check_sla), "interval", minutes=5, id="check-sla", max_instances=1, coalesce=True)
    scheduler.start()  # expect: SCL003
    logger.info("background jobs started")
    return scheduler


def create_app(config_object=Config) -> Flask:
    config_object.validate()
    app = Flask(__name__)
    app.config.from_object(config_object)
    app.extensions["session_factory"] = init_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
    login_manager.init_app(app)
    csrf.init_app(app)

    from helpdesk.assignment import bp as assignment_bp
    from helpdesk.attachments import bp as attachments_bp
    from helpdesk.auth import bp as auth_bp
    from helpdesk.exports import bp as exports_bp
    from helpdesk.tickets import bp as tickets_bp
    from helpdesk.webhooks import bp as webhooks_bp

    for blueprint in (auth_bp, tickets_bp, attachments_bp, assignment_bp, exports_bp, webhooks_bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def _start_timer():
        request.environ["helpdesk.started"] = time.monotonic()

    @app.after_request
    def _access_log(response):
        started = request.environ.get("helpdesk.started", time.monotonic())
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("%s %s -> %s in %.1fms", request.method, request.path, response.status_code, elapsed_ms)  # todo-expect: OBS003
        return response

    @app.errorhandler(404)
    def not_found(_error):
        return jsonify(error="not found"), 404

    @app.errorhandler(413)
    def too_large(_error):
        return jsonify(error="upload exceeds the 25 MB limit"), 413

    @app.get("/healthz")
    def healthz():
        get_session().execute(select(1))
        return {"status": "ok"}

    if not app.testing:
        app.extensions["scheduler"] = _start_jobs(app)
    return app
