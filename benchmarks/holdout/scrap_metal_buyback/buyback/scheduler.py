"""A very small interval scheduler for the yard's periodic jobs."""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class _Job:
    name: str
    interval: float
    fn: Callable[[], object]
    jitter: float
    next_run: float = field(default=0.0)
    runs: int = 0
    failures: int = 0

    def schedule_next(self, now: float) -> None:
        spread = self.interval * self.jitter
        self.next_run = now + self.interval + random.uniform(-spread, spread)  # ok: SEC010


class Scheduler:
    def __init__(self, tick: float = 1.0) -> None:
        self._jobs: list[_Job] = []
        self._tick = tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def every(self, seconds: float, fn: Callable[[], object], *, name: str | None = None,
              jitter: float = 0.1, run_now: bool = False) -> None:
        job = _Job(name=name or fn.__name__, interval=seconds, fn=fn, jitter=jitter)
        if run_now:
            job.next_run = time.monotonic()
        else:
            job.schedule_next(time.monotonic())
        self._jobs.append(job)

    def _run_due(self) -> None:
        now = time.monotonic()
        for job in self._jobs:
            if job.next_run > now:
                continue
            started = time.monotonic()
            try:
                result = job.fn()
                job.runs += 1
                log.info("job %s finished in %.1fs: %s", job.name, time.monotonic() - started, result)
            except Exception:
                job.failures += 1
                log.exception("job %s failed (%d failures so far)", job.name, job.failures)
            job.schedule_next(time.monotonic())

    def run_forever(self) -> None:
        log.info("scheduler running %d jobs", len(self._jobs))
        while not self._stop.is_set():
            self._run_due()
            self._stop.wait(self._tick)
        log.info("scheduler stopped")

    def start(self) -> threading.Thread:
        """Run in a background thread (for embedding); returns the thread."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self.run_forever, name="scheduler", daemon=True)
            self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
