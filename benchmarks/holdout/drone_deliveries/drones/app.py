"""Flask application factory for the drone delivery API."""
import logging
import socket
import time
import threading
from datetime import datetime, timedelta, timezone

import requests
from flask import Flask, jsonify
from sqlalchemy import text

from drones.config import Config
from drones.models import Drone, db
from drones.routes import assignments, auth, dashboard, deliveries
from drones.services.sqs_dispatch import relay_outbox

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger(__name__)

LOST_AFTER = timedelta(minutes=2)


def mark_lost_drones(app: Flask, interval: int = 60) -> None:
    """Flag in-flight drones that stopped reporting telemetry and page the on-call operator."""
    while True:
        with app.app_context():
            try:
                cutoff = datetime.now(timezone.utc) - LOST_AFTER
                lost = Drone.query.filter(Drone.status == "in_flight", Drone.last_seen_at < cutoff).all()
                for drone in lost:
                    drone.status = "lost"
                    requests.post(
                        app.config["ONCALL_WEBHOOK_URL"],
                        json={"severity": "critical", "summary": f"Drone {drone.serial} lost contact"},
                        timeout=5,
                    )
                db.session.commit()
            except Exception:
                db.session.rollback()
                logger.exception("lost-drone sweep failed")
        time.sleep(interval)


def create_app(config: type[Config] = Config) -> Flask:
    config.validate()
    app = Flask(__name__)
    app.config.from_object(config)
    db.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(deliveries.bp)
    app.register_blueprint(assignments.bp)
    app.register_blueprint(dashboard.bp)

    threading.Thread(target=mark_lost_drones, args=(app,), daemon=True).start()  # expect: SCL003

    @app.get("/healthz")
    def healthz():
        relay = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # expect: RES001
        relay.connect((app.config["GROUND_RELAY_HOST"], app.config["GROUND_RELAY_PORT"]))  # expect: REL001
        relay.close()
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    @app.cli.command("relay-outbox")  # ok: SCL003
    def relay_outbox_command():
        """Forward outbox rows to SQS; runs in the dedicated dispatcher worker container."""
        while True:
            with app.app_context():
                sent = relay_outbox()
            if not sent:
                time.sleep(2)

    return app


app = create_app()

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080, debug=True)  # expect: SEC006
