"""Ask the model chunk by chunk from a worker thread, and the messages that carry each answer to the UI."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from reviewer.checklist import Checklist
from reviewer.engine import ModelStep
from reviewer.findings import Chunk, ChunkCoverage, Coverage, Finding, Stats
from reviewer.tui.session import chunk_key, inside


class ChunkAnswered(Message):
    """The model step finished one chunk: the chunk's findings now, its coverage, the model's running stats."""

    def __init__(self, chunk: Chunk, findings: list[Finding], coverage: ChunkCoverage, stats: Stats,
                 again: bool = False) -> None:
        super().__init__()
        self.chunk = chunk
        self.findings = findings
        self.coverage = coverage
        self.stats = stats
        self.again = again


class ModelStopped(Message):
    """The model stream ended: every chunk answered, or cancelled with what was done kept."""

    def __init__(self, cancelled: bool) -> None:
        super().__init__()
        self.cancelled = cancelled


def ask_chunks(step: ModelStep, chunks: list[Chunk], findings: list[Finding], checklist: Checklist,
               coverage: Coverage, stats: Stats, *, lock: threading.Lock, cancelled: Callable[[], bool],
               answered: Callable[[Chunk, list[Finding], ChunkCoverage, Stats], None]) -> bool:
    """Call the model step one chunk at a time, reporting each chunk as it is done; stop between chunks
    when cancelled. Works on its own copies: the UI's state is changed only through `answered`.
    Returns False when cancelled before the last chunk."""
    findings = list(findings)
    by_key = {chunk_key(c): c for c in coverage.chunks}
    for chunk in chunks:
        if cancelled():
            return False
        with lock:  # one model call at a time: a llama.cpp context is not thread-safe
            findings = step([chunk], findings, checklist, coverage, stats)
        chunk_coverage = by_key.get(chunk_key(chunk)) or ChunkCoverage(
            file=chunk.file, symbol=chunk.symbol, start=chunk.start, end=chunk.end, kind=chunk.kind)
        answered(chunk, [f for f in findings if inside(f, chunk)], chunk_coverage.model_copy(deep=True),
                 stats.model_copy(deep=True))
    return True


def accepts_keyword(function: Callable | None, name: str) -> bool:
    if function is None:
        return False
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


class ModelWork:
    """The app's model side: stream the answers chunk by chunk from a worker thread, stop it, ask again.

    A mixin of ReviewApp (it uses the app's session, factory, clock and views)."""

    def setup_model_work(self) -> None:
        self.model_state = "model off" if self.factory is None else "waiting"
        self.model_stats = Stats()
        self._model_lock = threading.Lock()  # held during each model call: one call at a time
        self._step_lock = threading.Lock()  # held while a step is created
        self._steps: dict[bool, ModelStep] = {}
        # A factory taking `use_cache` can give a step that skips the cache when a chunk is asked again.
        self.can_bypass_cache = accepts_keyword(self.factory, "use_cache")

    def model_step(self, fresh: bool = False) -> ModelStep:
        fresh = fresh and self.can_bypass_cache
        with self._step_lock:
            if fresh not in self._steps:
                self._steps[fresh] = self.factory(use_cache=False) if fresh else self.factory()
            return self._steps[fresh]

    def model_state_text(self) -> str:
        if self.model_state == "loading model":
            step = self._steps.get(False)
            loaded = getattr(step, "backend_loaded", None)
            if callable(loaded) and loaded():
                return "asking model"
        return self.model_state

    def start_model(self) -> None:
        session = self.session
        if self.factory is None or not session.chunks:
            self.finished = self.clock()
            self.refresh_status()
            return
        session.pending = {chunk_key(c) for c in session.chunks}
        self.model_state = "loading model"
        self.stream_model(list(session.chunks), list(session.findings), session.report.coverage.model_copy(deep=True),
                          session.report.stats.model_copy(deep=True))
        self.refresh_views()

    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def stream_model(self, chunks: list[Chunk], findings: list[Finding], coverage: Coverage, stats: Stats) -> None:
        worker = get_current_worker()
        done = ask_chunks(self.model_step(), chunks, findings, self.checklist, coverage, stats,
                          lock=self._model_lock, cancelled=lambda: worker.is_cancelled,
                          answered=lambda *answer: self.post_message(ChunkAnswered(*answer)))
        self.post_message(ModelStopped(cancelled=not done))

    @work(thread=True, exclusive=True, group="again", exit_on_error=False)
    def ask_again(self, chunk: Chunk, findings: list[Finding], coverage: Coverage, stats: Stats) -> None:
        ask_chunks(self.model_step(fresh=True), [chunk], findings, self.checklist, coverage, stats,
                   lock=self._model_lock, cancelled=lambda: False,
                   answered=lambda *answer: self.post_message(ChunkAnswered(*answer, again=True)))

    def on_chunk_answered(self, message: ChunkAnswered) -> None:
        self.session.apply_answer(message.chunk, message.findings, message.coverage)
        self.model_stats = message.stats
        if message.coverage.model in ("asked", "failed") and self.model_state == "loading model":
            self.model_state = "asking model"
        if message.again:
            found = len([f for f in self.session.findings if inside(f, message.chunk)])
            self.say(f"asked again about {message.chunk.symbol}: {message.coverage.model}, {found} finding(s) there")
        self.refresh_views()

    def on_model_stopped(self, message: ModelStopped) -> None:
        self.model_state = "cancelled" if message.cancelled else "done"
        self.finished = self.clock()
        if message.cancelled:
            self.say(f"model stopped: {len(self.session.pending)} chunk(s) not asked, answers so far kept")
        self.refresh_views()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        if event.worker.group == "model":
            self.model_state = "model failed"
            self.finished = self.clock()
        self.say(f"the model stopped: {event.worker.error}", "error")
        self.refresh_status()

    def action_cancel_model(self) -> None:
        if self.model_state not in ("loading model", "asking model"):
            self.say("the model is not running", "warning")
            return
        self.workers.cancel_group(self, "model")
        self.model_state = "stopping"
        self.say("stopping the model after the current chunk")
        self.refresh_status()

    def action_reask(self) -> None:
        if self.factory is None:
            self.say("no model in this session (--no-llm): nothing to ask", "warning")
            return
        chunk = self.current_chunk
        if chunk is None:
            self.say("no chunk selected", "warning")
            return
        self.session.pending.add(chunk_key(chunk))
        report = self.session.report
        self.ask_again(chunk, self.session.without_model(chunk), report.coverage.model_copy(deep=True),
                       self.model_stats.model_copy(deep=True))
        cache_note = "" if self.can_bypass_cache else " (an answer may come from the cache)"
        self.say(f"asking the model again about {chunk.symbol}{cache_note}")
        self.refresh_views()

    def stop_model_work(self) -> None:
        for group in ("model", "again"):
            self.workers.cancel_group(self, group)
