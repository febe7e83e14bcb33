"""One review: parse, chunk, check, (ask the model,) verify and merge, into a Report."""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor

from pydantic import BaseModel, Field

from reviewer import __version__
from reviewer.checklist import Checklist, load_checklist
from reviewer.config import PathSettings
from reviewer.checks._files import deployed_with_liveness_probe
from reviewer.checks._models import declared_relations
from reviewer.checks._neighbours import imported_blocking, imported_keyed
from reviewer.diff import Selection
from reviewer.findings import (Chunk, ChunkCoverage, Coverage, FileChange, FileKind, Finding, Hit, Report,
                               Skipped, Source, Stats, fingerprint)
from reviewer.redact import mask_secrets
from reviewer.suppress import is_suppressed

# Below this many files a process pool costs more to start than it saves.
PARALLEL_MIN_FILES = 24


class ReviewOptions(BaseModel):
    """What a review runs: which checks, whether the model is asked, and how."""

    use_model: bool = False
    use_cache: bool = False  # per-file check results by content hash, in the result cache
    disabled: set[str] = Field(default_factory=set)
    jobs: int = 0  # 0: decide from the number of files and cores
    per_path: list[PathSettings] = Field(default_factory=list)

    def disabled_for(self, path: str) -> frozenset[str]:
        disabled = set(self.disabled)
        for rule in self.per_path:
            if any(fnmatch.fnmatch(path, pattern) for pattern in rule.paths):
                disabled.update(rule.disable)
        return frozenset(disabled)


class FileResult(BaseModel):
    """The deterministic result for one file: its hits, its chunks, and a note when it fell back."""

    path: str
    hits: list[Hit] = Field(default_factory=list)
    chunks: list[Chunk] = Field(default_factory=list)
    note: str | None = None
    skipped: Skipped | None = None
    lines: int = 0


def check_file(change: FileChange, disabled: frozenset[str] = frozenset(), root: str = "") -> FileResult:
    """Parse once, run every check in one pass, chunk the changed lines."""
    # Imported here, not with the module: libcst and the checks take a third of a second to load, and a
    # review whose files are all cached never runs this.
    import libcst as cst

    from reviewer.checks._base import (FileContext, all_checks, is_test_path, line_checks, parse_python,
                                       python_checks, run_line_checks, run_python_checks)
    from reviewer.chunking import chunk_file

    text = change.text or ""
    result = FileResult(path=change.path, lines=text.count("\n") + (0 if text.endswith("\n") or not text else 1))
    selected = [c for c in all_checks() if c.id not in disabled and c.rule_name() not in disabled]
    ctx = FileContext(path=change.path, text=text, kind=change.kind, is_test=is_test_path(change.path), root=root)
    wrapper = None
    if change.kind is FileKind.python:
        try:
            wrapper = parse_python(text)
        except cst.ParserSyntaxError as error:
            result.note = f"syntax error at line {error.raw_line}: checks skipped, hunk chunks used"
            result.skipped = Skipped(path=change.path, reason=f"Python syntax error at line {error.raw_line}")
        else:
            result.hits, failed = _isolated(run_python_checks, (wrapper, ctx), python_checks(selected))
            if failed:
                result.skipped = Skipped(path=change.path, reason=failed)
    else:
        result.hits, failed = _isolated(run_line_checks, (ctx,), line_checks(selected))
        if failed:
            result.skipped = Skipped(path=change.path, reason=failed)
    chunks, note = chunk_file(change, wrapper)
    result.chunks = chunks
    result.note = result.note or note
    changed = change.changed_set()
    result.hits = [h for h in result.hits if any(n in changed for n in range(h.line, h.end_line + 1))]
    return result


def _isolated(run, args: tuple, checks: list) -> tuple[list, str | None]:
    """All checks in one pass; if one of them raises (a bug in it, an input it did not foresee), each check again
    alone, so that one check's failure costs only its own findings on this file, and says so."""
    try:
        return run(*args, checks), None
    except Exception:  # noqa: BLE001 - any error in a check is reported as coverage, never as a traceback
        pass
    hits, failures = [], []
    for check in checks:
        try:
            hits.extend(run(*args, [check]))
        except Exception as error:  # noqa: BLE001
            failures.append(f"{check.id} ({type(error).__name__}: {str(error)[:120]})")
    return hits, "partly reviewed: a check failed on this file, its findings are missing: " + "; ".join(failures)


_CHECKS_DIR = Path(__file__).parent / "checks"


def _check_modules() -> list[Path]:
    return sorted(p for p in _CHECKS_DIR.glob("*.py") if not p.name.startswith("_"))


def check_count() -> int:
    """How many checks there are, one per module, without importing them (a test holds the two equal)."""
    return len(_check_modules())


_CHECK_ID = re.compile(r'^    id = "([A-Z]{2,5}\d{3})"$', re.MULTILINE)


@functools.lru_cache(maxsize=1)
def checked_ids() -> frozenset[str]:
    """The checklist ids some check answers, read from the checks' source instead of importing them (libcst and
    every check module: a third of a second that a review served from the cache would spend on nothing else).
    A test holds this equal to the ids of the imported checks."""
    return frozenset(m for path in _check_modules() for m in _CHECK_ID.findall(path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=1)
def checks_fingerprint() -> str:
    """A hash of the checks' own source: editing a check invalidates its cached results."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_CHECKS_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in (Path(__file__).parent / "chunking.py", Path(__file__).parent / "findings.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_key(change: FileChange, disabled: frozenset[str], root: str = "") -> str:
    # A Dockerfile's result also depends on whether a manifest beside it defines a liveness probe (CTR005).
    beside = deployed_with_liveness_probe(change.path, root) if change.kind is FileKind.dockerfile else None
    # A Python file's, on the relations its models module declares (DB001): editing models.py re-checks its users.
    text = change.text or ""
    python = change.kind is FileKind.python
    relations = sorted(declared_relations(change.path, root, text)) if python and "models" in text else None
    # ... and, for coroutines, on which functions of the modules it imports block (CON001).
    blocking = sorted(imported_blocking(change.path, root, text).items()) if python and "async " in text else None
    # ... and on which functions of those modules pass an idempotency key (REL003, REL004).
    keyed = sorted(imported_keyed(change.path, root, text)) if python else None
    material = json.dumps({"checks": checks_fingerprint(), "path": change.path, "kind": change.kind.value,
                           "liveness_probe_beside": beside, "model_relations": relations,
                           "imported_blocking": blocking, "imported_keyed": keyed,
                           "changed": change.changed_lines, "whole": change.whole_file, "text": change.text,
                           "disabled": sorted(disabled)}, sort_keys=True)
    return "file:v1:" + hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


def _check_all(changes: Sequence[FileChange], options: ReviewOptions, root: str = "") -> list[FileResult]:
    disabled = [options.disabled_for(change.path) for change in changes]
    results: list[FileResult | None] = [None] * len(changes)
    cache = _file_cache() if options.use_cache else None
    keys = [_file_key(c, d, root) for c, d in zip(changes, disabled)] if cache is not None else []
    if cache is not None:
        for index, key in enumerate(keys):
            cached = cache.get(key)
            if cached is not None:
                try:
                    results[index] = FileResult.model_validate(cached)
                except ValueError:
                    results[index] = None
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        from reviewer.checks._base import all_checks

        all_checks()  # loaded before the workers fork, so they share it instead of each importing it again
    jobs = options.jobs or (os.cpu_count() or 1)
    if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
        pool = ProcessPoolExecutor(max_workers=jobs)
        try:
            fresh = list(pool.map(check_file, [changes[i] for i in todo], [disabled[i] for i in todo],
                                  [root] * len(todo), chunksize=8))
        except BaseException:
            # Ctrl-C (or a failed worker): drop the files not started yet instead of checking all of them first,
            # which `with` would do by waiting for every queued task.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    else:
        fresh = [check_file(changes[i], disabled[i], root) for i in todo]
    for index, result in zip(todo, fresh):
        results[index] = result
        if cache is not None:
            cache.set(keys[index], result.model_dump(mode="json"))
    if cache is not None:
        cache.close()
    return [r for r in results if r is not None]


def _file_cache():
    from reviewer.cache import ResultCache

    return ResultCache()


def to_finding(hit: Hit, change: FileChange, lines: list[str], symbol: str, checklist: Checklist) -> Finding:
    item = checklist.get(hit.id)
    code = lines[hit.line - 1] if 0 < hit.line <= len(lines) else ""
    return Finding(
        id=hit.id, rule=hit.rule, file=change.path, line=hit.line, end_line=hit.end_line,
        related_lines=hit.related_lines,
        severity=item.severity, confidence=hit.confidence, category=item.category,
        message=mask_secrets(hit.message), evidence=mask_secrets(code.strip()), source=Source.check, fingerprint=fingerprint(hit.id, change.path, code, symbol),
        symbol=symbol,
    )


def symbol_at(chunks: Sequence[Chunk], line: int) -> str:
    inside = [c for c in chunks if c.start <= line <= c.end]
    return min(inside, key=lambda c: c.end - c.start).symbol if inside else "<module>"


ModelStep = Callable[[list[Chunk], list[Finding], Checklist, Coverage, Stats], list[Finding]]


def review(selection: Selection, options: ReviewOptions | None = None,
           model_step: ModelStep | None = None, checklist: Checklist | None = None) -> Report:
    """Run the pipeline over a selected change. `model_step` asks the model (None: checks only)."""
    options = options or ReviewOptions()
    started = time.perf_counter()
    checklist = checklist or load_checklist()
    coverage = Coverage(files_skipped=list(selection.skipped), checks_run=check_count())
    stats = Stats()
    reviewable = [c for c in selection.changes if c.text is not None]
    results = _check_all(reviewable, options, selection.root)
    stats.check_seconds = time.perf_counter() - started

    findings: list[Finding] = []
    all_chunks: list[Chunk] = []
    for change, result in zip(reviewable, results):
        stats.files += 1
        stats.lines += result.lines
        if result.skipped is not None:
            coverage.files_skipped.append(result.skipped)
        coverage.files_reviewed.append(change.path)
        lines = (change.text or "").splitlines()
        for hit in result.hits:
            if hit.id not in checklist:
                continue  # an item the team's configuration removed from the checklist
            finding = to_finding(hit, change, lines, symbol_at(result.chunks, hit.line), checklist)
            if is_suppressed(finding, lines):
                coverage.suppressed += 1
                continue
            findings.append(finding)
        for chunk in result.chunks:
            coverage.chunks.append(ChunkCoverage(file=chunk.file, symbol=chunk.symbol, start=chunk.start,
                                                 end=chunk.end, kind=chunk.kind,
                                                 reason="model not requested" if model_step is None else ""))
        all_chunks.extend(result.chunks)
    stats.chunks = len(all_chunks)

    if model_step is not None and options.use_model:
        model_started = time.perf_counter()
        findings = model_step(all_chunks, findings, checklist, coverage, stats)
        stats.model_seconds = time.perf_counter() - model_started

    findings = _dedupe(findings)
    findings.sort(key=lambda f: (f.file, f.line, f.id))
    stats.seconds = time.perf_counter() - started
    return Report(findings=findings, coverage=coverage, stats=stats)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (file, line, id): two checks answering one item on one line say the same thing."""
    seen: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        key = (finding.file, finding.line, finding.id)
        if key not in seen:
            seen[key] = finding
    return list(seen.values())
