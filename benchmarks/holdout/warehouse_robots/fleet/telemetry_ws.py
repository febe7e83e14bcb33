import json
import logging
import os
from datetime import datetime, timezone

import jwt
from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from fleet import charging, metrics_export
from fleet.telemetry_store import store_frame

logger = logging.getLogger(__name__)
router = APIRouter()

BLACKBOX_DIR = os.getenv("BLACKBOX_DIR", "/var/lib/fleet/blackbox")
LOW_BATTERY_PCT = 18

live_robots: dict[str, WebSocket] = {}  # expect: SCL001


def _robot_claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})  # expect: SEC008


def _append_blackbox(robot_id: str, frame: dict) -> None:
    path = os.path.join(BLACKBOX_DIR, f"{robot_id}.jsonl")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(frame, separators=(",", ":")) + "\n")


async def send_command(robot_id: str, command: dict) -> bool:
    ws = live_robots.get(robot_id)
    if ws is None:
        logger.warning("robot %s not connected here, dropping %s", robot_id, command.get("type"))
        return False
    await ws.send_json(command)
    return True


@router.websocket("/ws/robots/{robot_id}")
async def robot_telemetry(ws: WebSocket, robot_id: str):
    token = ws.query_params.get("token", "")
    try:
        claims = _robot_claims(token)
    except jwt.InvalidTokenError:
        await ws.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    if claims.get("sub") != robot_id or claims.get("typ") != "robot":
        await ws.close(code=status.WS_1008_POLICY_VIOLATION)
        return

    await ws.accept()
    live_robots[robot_id] = ws
    metrics_export.COUNTERS["ws_connections"] += 1  # ok: CON002
    pool = ws.app.state.pool
    redis = ws.app.state.redis
    logger.info("robot %s connected (firmware %s)", robot_id, claims.get("fw"))
    try:
        while True:
            frame = await ws.receive_json()
            frame["received_at"] = datetime.now(timezone.utc).isoformat()
            metrics_export.COUNTERS["frames"] += 1
            await store_frame(pool, redis, robot_id, frame)
            if frame.get("fault"):
                _append_blackbox(robot_id, frame)  # expect: CON001
            battery = frame.get("battery_pct", 100)
            if battery < LOW_BATTERY_PCT and not frame.get("charging"):
                await charging.request_charge(pool, robot_id, frame.get("zone"))
    except WebSocketDisconnect as exc:
        logger.info("robot %s disconnected (code %s)", robot_id, exc.code)
    except Exception as exc:
        logger.error("telemetry stream for robot %s failed: %s", robot_id, exc)  # expect: OBS002
    finally:
        if live_robots.get(robot_id) is ws:
            live_robots.pop(robot_id, None)
        metrics_export.COUNTERS["ws_connections"] -= 1
