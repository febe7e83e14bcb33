"""Telemetry collector: drones POST batches of position and battery samples.

Runs as its own process: `python -m drones.telemetry.collector`.
"""
import hashlib
import hmac
import logging
import os
from datetime import datetime, timezone

import aiohttp
from aiohttp import web
from flask import Flask

from drones.config import Config
from drones.models import Drone, TelemetryPoint, db

logger = logging.getLogger(__name__)

DRONE_TOKEN_MASTER_KEY = os.environ.get("DRONE_TOKEN_MASTER_KEY", "").encode()
ALERT_WEBHOOK_URL = os.environ.get("ALERT_WEBHOOK_URL", "")
LOW_BATTERY_PCT = 20

flask_app = Flask("telemetry-collector")
flask_app.config.from_object(Config)
db.init_app(flask_app)


def expected_token(drone_id: int) -> str:
    return hmac.new(DRONE_TOKEN_MASTER_KEY, f"drone:{drone_id}".encode(), hashlib.sha256).hexdigest()


async def post_alert(drone_id: int, text: str) -> None:
    if not ALERT_WEBHOOK_URL:
        return
    session = aiohttp.ClientSession()  # expect: RES001
    try:
        resp = await session.post(
            ALERT_WEBHOOK_URL,
            json={"drone_id": drone_id, "text": text},
            timeout=aiohttp.ClientTimeout(total=5),
        )
    except aiohttp.ClientError:
        logger.warning("alert webhook failed for drone %s", drone_id, exc_info=True)
        return
    if resp.status >= 400:
        logger.warning("alert webhook returned %s for drone %s", resp.status, drone_id)


def store_samples(drone_id: int, samples: list[dict]) -> None:
    with flask_app.app_context():
        for s in samples:
            db.session.add(
                TelemetryPoint(
                    drone_id=drone_id,
                    recorded_at=datetime.fromtimestamp(s["ts"], tz=timezone.utc),
                    lat=s["lat"],
                    lon=s["lon"],
                    alt_m=s["alt"],
                    speed_mps=s.get("speed"),
                    battery_pct=s.get("battery"),
                )
            )
            db.session.commit()  # expect: DB003
        Drone.query.filter_by(id=drone_id).update(
            {"last_seen_at": datetime.now(timezone.utc), "battery_pct": samples[-1].get("battery", 0)}
        )
        db.session.commit()


async def ingest(request: web.Request) -> web.Response:
    drone_id = int(request.match_info["drone_id"])
    token = request.headers.get("X-Drone-Token", "")
    if not hmac.compare_digest(token, expected_token(drone_id)):
        return web.json_response({"error": "unauthorized"}, status=401)
    body = await request.json()
    samples = body.get("samples") or []
    if not samples:
        return web.json_response({"stored": 0})
    logger.debug("telemetry batch from drone %s: %d samples", drone_id, len(samples))
    store_samples(drone_id, samples)  # expect: CON001
    battery = samples[-1].get("battery")
    if battery is not None and battery < LOW_BATTERY_PCT:
        await post_alert(drone_id, f"battery at {battery}%")
    return web.json_response({"stored": len(samples)})


async def health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    if not DRONE_TOKEN_MASTER_KEY:
        raise SystemExit("DRONE_TOKEN_MASTER_KEY is not set")
    app = web.Application(client_max_size=512 * 1024)
    app.router.add_post("/v1/drones/{drone_id}/telemetry", ingest)
    app.router.add_get("/healthz", health)
    web.run_app(app, port=int(os.environ.get("PORT", "8081")))


if __name__ == "__main__":
    main()
