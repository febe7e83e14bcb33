"""Background worker: runs rollout passes and processes queued maintenance jobs.

Started as its own Deployment (`python -m app.worker`), never inside the API process.
"""
import asyncio
import json
import logging
import signal
import uuid
from types import SimpleNamespace

import httpx

from . import telemetry_store
from .config import get_settings
from .deps import close_clients, open_clients
from .rollouts import advance_rollouts

logger = logging.getLogger("thermostat.worker")

JOB_QUEUE = "thermo:jobs"
PROCESSING = "thermo:jobs:processing"
DEAD_LETTER = "thermo:jobs:dead"
ROLLOUT_LOCK = "thermo:lock:rollouts"
MAX_ATTEMPTS = 5

_RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


async def _rollout_tick(state, worker_id: str) -> None:
    settings = get_settings()
    acquired = await state.redis.set(
        ROLLOUT_LOCK, worker_id, nx=True, ex=settings.rollout_interval_seconds * 2
    )
    if not acquired:
        return
    try:
        await advance_rollouts(state.db, state.redis, state.http)
    finally:
        await state.redis.eval(_RELEASE_LOCK, 1, ROLLOUT_LOCK, worker_id)


async def _handle(state, job: dict) -> None:
    kind = job["kind"]
    if kind == "purge_readings":
        await telemetry_store.purge_older_than(state.db, int(job["days"]))
    elif kind == "rollout_now":
        await _rollout_tick(state, job["id"])
    else:
        raise ValueError(f"unknown job kind {kind!r}")


async def _consume(state, stop: asyncio.Event) -> None:
    while not stop.is_set():  # ok: REL002
        raw = await state.redis.blmove(JOB_QUEUE, PROCESSING, 1, "LEFT", "RIGHT")
        if raw is None:
            continue
        job = json.loads(raw)
        try:
            await _handle(state, job)
        except (httpx.HTTPError, OSError) as exc:
            job["attempts"] = job.get("attempts", 0) + 1
            target = JOB_QUEUE if job["attempts"] < MAX_ATTEMPTS else DEAD_LETTER
            logger.warning("job %s failed (%s), attempt %d", job.get("id"), exc, job["attempts"])
            await asyncio.sleep(min(2 ** job["attempts"], 60))
            await state.redis.rpush(target, json.dumps(job))
        except Exception:
            logger.exception("job %s failed permanently", job.get("id"))
            await state.redis.rpush(DEAD_LETTER, json.dumps(job))
        finally:
            await state.redis.lrem(PROCESSING, 1, raw)


async def _scheduler(state, stop: asyncio.Event, worker_id: str) -> None:
    interval = get_settings().rollout_interval_seconds
    while not stop.is_set():
        try:
            await _rollout_tick(state, worker_id)
        except Exception:
            logger.exception("rollout tick failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass


async def main() -> None:
    logging.basicConfig(level=get_settings().log_level)
    app = SimpleNamespace(state=SimpleNamespace())
    await open_clients(app)
    state = app.state
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    worker_id = uuid.uuid4().hex
    try:
        await asyncio.gather(_consume(state, stop), _scheduler(state, stop, worker_id))
    finally:
        await close_clients(app)


if __name__ == "__main__":
    asyncio.run(main())
