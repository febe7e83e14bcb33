import logging
import uuid

from celery import Celery, Task
from flask import Flask, g, jsonify, request
from flask_cors import CORS
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from buyback.config import Config
from buyback.models import Student, db

login_manager = LoginManager()
csrf = CSRFProtect()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = getattr(g, "request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


@login_manager.user_loader
def load_student(user_id: str):
    return db.session.get(Student, int(user_id))


def create_app(config_object=Config) -> Flask:
    _configure_logging()
    app = Flask(__name__)
    app.config.from_object(config_object)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("BUYBACK_SECRET_KEY is not set")

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    celery_init_app(app)

    CORS(app, origins="*", supports_credentials=True)  # expect: SEC013

    from buyback import account, auth, inspection, inventory, orders, photos, quotes, resale, staff_auth

    for module in (account, auth, inspection, inventory, orders, photos, quotes, resale, staff_auth):
        app.register_blueprint(module.bp)

    @app.before_request
    def _assign_request_id():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.errorhandler(404)
    def not_found(_err):
        return jsonify(error="not found"), 404

    @app.errorhandler(413)
    def too_large(_err):
        return jsonify(error="upload too large"), 413

    return app


# Entry points: gunicorn "buyback.app:app", celery -A buyback.app:celery_app
app = create_app()
celery_app = app.extensions["celery"]
