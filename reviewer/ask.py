"""Ask: for each chunk, the routed checklist questions to the model, cache first, answers verified and merged."""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable

from pydantic import BaseModel, ValidationError

from reviewer.cache import ResultCache, cache_key
from reviewer.checklist import Checklist
from reviewer.findings import Chunk, ChunkCoverage, Confidence, Coverage, Finding, Stats, answer_model
from reviewer.llm import Backend, BackendError, Completion
from reviewer.prompts import load_prompt
from reviewer.redact import mask_secrets
from reviewer.routing import DEFAULT_MAX_ITEMS, route
from reviewer.verify import drop_reason, merge

BackendFactory = Callable[[], Backend]
_INVALID = "invalid_answer"  # the cached outcome of an answer that failed validation


# Model calls still running in a daemon thread after Ctrl-C: the CLI must then leave without finalizing the
# interpreter, which would free the model under the running C call.
model_calls_running = threading.Event()


def interruptible(fn: Callable, *args):
    """`fn(*args)` in a daemon thread, waited for in short steps. A llama.cpp call (loading the model, evaluating
    a long prompt) is one C call that a signal cannot stop; waiting here lets Ctrl-C land within a tenth of a
    second instead of when the call returns. concurrent.futures joins its threads at exit, so it cannot do this."""
    box: dict = {}
    done = threading.Event()

    def target():
        try:
            box["value"] = fn(*args)
        except BaseException as error:  # handed to the caller's thread, which raises it
            box["error"] = error
        finally:
            done.set()

    model_calls_running.set()
    threading.Thread(target=target, daemon=True, name="reviewer-model-call").start()
    while not done.wait(0.1):
        pass
    model_calls_running.clear()
    if "error" in box:
        raise box["error"]
    return box["value"]


class AskSettings(BaseModel):
    model_name: str
    model_sha256: str
    max_items: int = DEFAULT_MAX_ITEMS
    max_tokens: int = 96  # per asked item: a problem answer is ~60 tokens, an ok one ~8
    seed: int = 1234
    budget_seconds: float | None = None
    use_cache: bool = True
    progress: bool = False
    # Let the model report items no check answers (its own findings). Off by default: on a 14-file sample of
    # the benchmark all 10 such findings of the 1.5B model were false alarms, and a verdict cannot be
    # verified against the code the way a check's can. By default the model confirms the checks' findings.
    model_own_findings: bool = False
    # Let the model report items a check answers where the check found nothing: off by default, since on
    # the benchmark every such finding of the 1.5B model was a false alarm; for a stronger team model.
    model_extends_checks: bool = False


class ChunkPrompt(BaseModel):
    system: str
    user: str
    schema_: dict
    key: str
    item_ids: list[str]


def build_prompt(chunk: Chunk, item_ids: list[str], findings: list[Finding], checklist: Checklist,
                 settings: AskSettings) -> ChunkPrompt:
    template = load_prompt("review")
    questions = [checklist.get(i) for i in item_ids]
    facts = [f for f in findings if f.file == chunk.file and chunk.start <= f.line <= chunk.end]
    confirming = not (settings.model_own_findings or settings.model_extends_checks)
    # Confirming the checks' findings needs the code around them, not the whole function: a long chunk is cut
    # to its first lines and a few lines around each finding, which is most of a long chunk's prompt time.
    shown = _lines_around(chunk, facts) if confirming and facts else None
    system, user = template.render(
        file=chunk.file, language=chunk.language.value, symbol=chunk.symbol,
        questions=[q.model_dump() for q in questions],
        facts=[{"line": f.line, "id": f.id, "message": _short(f.message) if confirming else f.message}
               for f in facts],
        code=mask_secrets(chunk.numbered(shown)),  # secrets never reach the model, the cache key or a log
        confirming=confirming,
    )
    lines = [n for n in range(chunk.start, chunk.end + 1) if shown is None or n in shown]
    schema = answer_model(item_ids, lines).model_json_schema()
    key = prompt_key(settings, template.version, system, user, schema)
    return ChunkPrompt(system=system, user=user, schema_=schema, key=key, item_ids=item_ids)


def prompt_key(settings: AskSettings, prompt_version: str, system: str, user: str, schema: dict) -> str:
    """The result cache's key for one rendered prompt: the model, the text, the schema and the decoding."""
    params = {"max_tokens_per_item": settings.max_tokens, "seed": settings.seed, "temperature": 0.0,
              "prompt_version": prompt_version}
    return cache_key(settings.model_sha256, system + "\n\x00\n" + user, schema, params)


# Lines of context shown around a finding when a long chunk is cut, and the chunk length that is cut.
_CONTEXT_LINES = 3
_WHOLE_CHUNK_LINES = 12


def _lines_around(chunk: Chunk, facts: list[Finding]) -> set[int] | None:
    """The chunk's first two lines (its decorator or signature) and the lines near each finding; None (all of
    it) for a chunk short enough to show whole."""
    if chunk.end - chunk.start + 1 <= _WHOLE_CHUNK_LINES:
        return None
    shown = {chunk.start, chunk.start + 1}
    for fact in facts:
        shown.update(range(max(chunk.start, fact.line - _CONTEXT_LINES),
                           min(chunk.end, max(fact.end_line, fact.line) + _CONTEXT_LINES) + 1))
    return shown


def _short(message: str) -> str:
    """A check's message up to its first colon (`requests.get has no timeout`): the fact without the advice."""
    head = message.split(": ", 1)[0]
    return head if len(head) >= 20 else message


def make_model_step(settings: AskSettings, backend_factory: BackendFactory, cache: ResultCache | None = None):
    """The model step of the pipeline (engine.ModelStep). The backend is created on the first cache miss,
    so a review whose chunks all hit the cache never loads the model."""
    backend_holder: list[Backend] = []
    state = {"failed": None}

    def backend() -> Backend:
        if not backend_holder:
            backend_holder.append(backend_factory())
        return backend_holder[0]

    def ask(prompt: ChunkPrompt, lines: list[int], started: float) -> tuple[dict | None, str, Completion | None]:
        """One model call: (answer, outcome, completion); outcome is asked, budget, failed or invalid."""
        if settings.budget_seconds is not None and time.perf_counter() - started > settings.budget_seconds:
            return None, "budget", None
        if state["failed"] is not None:
            return None, "failed", None
        try:
            completion = backend().complete(prompt.system, prompt.user, prompt.schema_,
                                            settings.max_tokens * len(prompt.item_ids) + 16, settings.seed)
        except BackendError as error:
            state["failed"] = f"model unavailable: {error}"
            return None, "failed", None
        try:
            parsed = answer_model(prompt.item_ids, lines).model_validate_json(completion.text)
        except ValidationError:
            return None, "invalid", completion
        return json.loads(parsed.model_dump_json()), "asked", completion

    def step(chunks: list[Chunk], findings: list[Finding], checklist: Checklist, coverage: Coverage,
             stats: Stats) -> list[Finding]:
        coverage.model = settings.model_name
        started = time.perf_counter()
        by_key = {(c.file, c.start, c.end): c for c in coverage.chunks}
        # Plan first: chunks do not overlap, so routing depends only on the deterministic findings.
        plan: list[tuple[Chunk, ChunkCoverage, ChunkPrompt]] = []
        for chunk in chunks:
            cov = by_key.get((chunk.file, chunk.start, chunk.end)) or ChunkCoverage(
                file=chunk.file, symbol=chunk.symbol, start=chunk.start, end=chunk.end, kind=chunk.kind)
            routed = route(chunk, checklist, findings, settings.max_items, **_routing(settings))
            if not routed:
                cov.model, cov.reason = "not_asked", "no checklist item applies"
                continue
            cov.asked = [r.id for r in routed]
            cov.asked_why = {r.id: r.why for r in routed}
            plan.append((chunk, cov, build_prompt(chunk, cov.asked, findings, checklist, settings)))
        answers: dict[int, tuple[dict | None, str, Completion | None]] = {}
        misses = []
        for index, (_, cov, prompt) in enumerate(plan):
            cached = cache.get(prompt.key) if (cache is not None and settings.use_cache) else None
            if cached is not None:
                # Decoding is deterministic, so an answer that failed validation would fail again: its
                # outcome is cached too, and a second review of the same change never loads the model.
                answers[index] = (None, "invalid-cached", None) if _INVALID in cached else (cached, "cached", None)
            else:
                misses.append(index)
        # llama.cpp reuses the KV state of the longest prefix this prompt shares with the previous one. Prompts
        # start with the fixed system text, then the asked questions: in sorted order, chunks asking the same
        # questions follow each other and only their facts and code are evaluated. Answers do not depend on
        # the order (the report keeps the chunks' own order); under a --budget, chunks past it are not asked.
        misses.sort(key=lambda i: plan[i][2].user)
        progress = _Progress(len(misses)) if settings.progress and misses else None

        def run(index: int):
            chunk, _, prompt = plan[index]
            result = ask(prompt, list(range(chunk.start, chunk.end + 1)), started)
            if progress:
                progress.advance(result[2])
            return index, result

        workers = _factory_concurrency() if len(misses) > 1 else 1
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                answers.update(dict(pool.map(run, misses)))
        else:
            answers.update(dict(interruptible(run, i) for i in misses))
        if progress:
            progress.close()

        for index, (chunk, cov, prompt) in enumerate(plan):
            answer, outcome, completion = answers[index]
            if completion is not None:
                stats.model_calls += 1
                stats.prompt_tokens += completion.prompt_tokens
                stats.completion_tokens += completion.completion_tokens
                stats.prefix_tokens += completion.prefix_tokens
                stats.chunk_seconds.append(round(completion.seconds, 3))
            if outcome == "cached":
                cov.model = "cached"
                stats.cache_hits += 1
            elif outcome == "budget":
                cov.model, cov.reason = "not_asked", f"time budget of {settings.budget_seconds:g}s spent"
                continue
            elif outcome == "failed":
                cov.model, cov.reason = "failed", state["failed"] or "model unavailable"
                continue
            elif outcome in ("invalid", "invalid-cached"):
                cov.model, cov.reason = "failed", "answer did not match the schema"
                cov.invalid_answers += 1
                stats.invalid_answers += 1
                if outcome == "invalid-cached":
                    stats.cache_hits += 1
                    cov.reason += " (from the cache)"
                elif cache is not None and settings.use_cache:
                    cache.set(prompt.key, {_INVALID: True})
                continue
            else:
                cov.model = "asked"
                if cache is not None and settings.use_cache:
                    cache.set(prompt.key, answer)
            findings = _apply(answer, chunk, checklist, findings, cov, stats, settings.model_extends_checks)
        if backend_holder and getattr(backend_holder[0], "loaded", False):
            stats.model_loaded = True
            stats.model_load_seconds = round(getattr(backend_holder[0], "load_seconds", 0.0), 3)
        if state["failed"] is not None:
            coverage.model_status = state["failed"]
        else:
            asked = sum(1 for c in coverage.chunks if c.model in ("asked", "cached"))
            coverage.model_status = f"{settings.model_name}: {asked} chunk(s) answered"
        return findings

    def _factory_concurrency() -> int:
        # Creating a backend loads nothing (a model loads on its first call); only asked when calls are due.
        return max(1, int(getattr(backend(), "concurrency", 1)))

    step.backend_loaded = lambda: bool(backend_holder) and getattr(backend_holder[0], "loaded", False)  # type: ignore[attr-defined]
    return step


def _routing(settings: AskSettings) -> dict:
    """What the model is asked, by how far it is trusted (see AskSettings):
    - by default, only the items a check reported in the chunk: the model confirms those findings;
    - with its own findings, only the items no check answers (a confirmation would cost seconds and
      change nothing: the check's findings reach the prompt as facts either way);
    - extending the checks, every item the chunk's signals point at, checks' items included.
    """
    if settings.model_extends_checks:
        return {"signals": True}
    if settings.model_own_findings:
        return {"signals": True, "disabled": _checked_ids()}
    return {"signals": False}


def _checked_ids() -> frozenset[str]:
    from reviewer.engine import checked_ids

    return checked_ids()


def _apply(answer: dict, chunk: Chunk, checklist: Checklist, findings: list[Finding], cov: ChunkCoverage,
           stats: Stats, model_extends_checks: bool = False) -> list[Finding]:
    for item_id, item_answer in answer.items():
        if item_answer.get("verdict") != "problem" or item_id not in checklist:
            continue
        item = checklist.get(item_id)
        line, why = int(item_answer["line"]), str(item_answer.get("why", ""))
        reason = drop_reason(item, line, why, chunk)
        if reason is None and not model_extends_checks and item_id in _checked_ids() and not any(
                f.id == item_id and f.file == chunk.file and f.line <= line <= f.end_line for f in findings):
            # Where a deterministic check answers the item, the model confirms or explains its findings
            # but does not overrule its silence: measured on the benchmark, every such model-only
            # finding was a false alarm (README, "What the model is and is not trusted with").
            reason = "a check answers this item and found nothing on that line"
        if reason is not None:
            cov.dropped_answers += 1
            stats.dropped_answers += 1
            continue
        findings, _ = merge(findings, item, chunk, line, why, Confidence(item_answer.get("confidence", "low")))
    return findings


class _Progress:
    """A rich progress bar on stderr: chunks done of total and generated tokens per second."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("reviewing"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                  console=Console(file=sys.stderr), transient=True)
        self._task = self._progress.add_task("chunks", total=total, rate="")
        self._progress.start()
        self._tokens = 0
        self._seconds = 0.0

    def advance(self, completion: Completion | None) -> None:
        if completion is not None:
            self._tokens += completion.completion_tokens
            self._seconds += completion.seconds
        rate = f"{self._tokens / self._seconds:.0f} tok/s" if self._seconds else ""
        self._progress.update(self._task, advance=1, rate=rate)

    def close(self) -> None:
        self._progress.update(self._task, completed=self._progress.tasks[0].total)
        self._progress.stop()
