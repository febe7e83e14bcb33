"""aiohttp gateway that accepts sensor readings from field devices and forwards them to the time-series store."""

import logging
import pickle
import sqlite3
import threading
import time

import requests
from aiohttp import web

logger = logging.getLogger(__name__)

TSDB_WRITE_URL = "http://tsdb.internal:8086/api/v2/write?bucket=telemetry&precision=ns"
DEVICE_DB = "/var/lib/iot/devices.sqlite3"
FLUSH_EVERY_SECONDS = 5

_pending: list[dict] = []  # todo-expect: REL005


def _device_calibration(device_id: str) -> str | None:
    conn = sqlite3.connect(DEVICE_DB)  # expect: RES001
    row = conn.execute("SELECT calibration FROM devices WHERE device_id = ?", (device_id,)).fetchone()
    conn.close()
    return row[0] if row else None


def _line_protocol(reading: dict) -> str:
    return f"reading,device={reading['device_id']},sensor={reading['sensor']} value={reading['value']} {reading['ts_ns']}"


def _flush_forever() -> None:
    while True:  # ok: REL002
        time.sleep(FLUSH_EVERY_SECONDS)
        batch = list(_pending)
        _pending.clear()
        if not batch:
            continue
        try:
            resp = requests.post(TSDB_WRITE_URL, data="\n".join(_line_protocol(r) for r in batch), timeout=10)
            resp.raise_for_status()
        except Exception:  # expect: ERR001
            pass


async def ingest(request: web.Request) -> web.Response:
    reading = pickle.loads(await request.read())  # expect: SEC004
    formula = _device_calibration(reading["device_id"])  # expect: CON001
    if formula:
        reading["value"] = eval(formula, {"__builtins__": {}}, {"x": reading["raw"]})  # expect: SEC003
    else:
        reading["value"] = reading["raw"]
    reading["ts_ns"] = int(reading.get("ts", time.time()) * 1e9)
    _pending.append(reading)  # expect: CON002
    return web.json_response({"accepted": 1}, status=202)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "buffered": len(_pending)})


threading.Thread(target=_flush_forever, name="tsdb-flush", daemon=True).start()  # expect: SCL003

app = web.Application(client_max_size=256 * 1024)
app.add_routes([web.post("/v1/readings", ingest), web.get("/healthz", health)])

if __name__ == "__main__":
    web.run_app(app, port=8080)
