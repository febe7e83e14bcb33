"""What the TUI shows and remembers: chunks, findings, model progress, filters and triage marks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from reviewer.baseline import BaselineError, apply_baseline, read_baseline
from reviewer.checklist import Checklist
from reviewer.diff import Selection
from reviewer.engine import ReviewOptions, review
from reviewer.findings import (
    Chunk,
    ChunkCoverage,
    Coverage,
    FileKind,
    Finding,
    Report,
    Severity,
    Skipped,
    Source,
    Stats,
)

FindingKey = tuple[str, int, str]
ChunkKey = tuple[str, int, int]

SEVERITY_STEPS: tuple[Severity | None, ...] = (None, Severity.medium, Severity.high, Severity.critical)
SOURCE_STEPS: tuple[Source | None, ...] = (None, Source.check, Source.model, Source.both)
SEVERITY_ORDER = (Severity.critical, Severity.high, Severity.medium, Severity.low)


def finding_key(finding: Finding) -> FindingKey:
    return (finding.file, finding.line, finding.id)


def chunk_key(chunk: Chunk | ChunkCoverage) -> ChunkKey:
    return (chunk.file, chunk.start, chunk.end)


def inside(finding: Finding, chunk: Chunk) -> bool:
    return finding.file == chunk.file and chunk.start <= finding.line <= chunk.end


def next_in_cycle(steps: Sequence, current):
    """The step after `current`, wrapping around."""
    index = list(steps).index(current) if current in steps else -1
    return steps[(index + 1) % len(steps)]


class Checked(BaseModel):
    """The deterministic review, the chunks the engine cut, and what happened with the baseline file."""

    report: Report
    chunks: list[Chunk]
    baseline_note: str | None = None
    baseline_failed: bool = False
    baselined: dict[str, int] = Field(default_factory=dict)  # fingerprint -> count accepted by the baseline


def check_selection(selection: Selection, options: ReviewOptions, checklist: Checklist,
                    baseline: Path | None = None) -> Checked:
    """Run the checks; the model step gets the chunks later, one at a time. The findings an existing baseline
    file accepts are left out, as `reviewer review --baseline` does.

    The engine gives its chunks only to a model step, so a step that keeps them and asks nothing collects them.
    """
    chunks: list[Chunk] = []

    def keep_chunks(found: list[Chunk], findings: list[Finding], _checklist: Checklist, _coverage: Coverage,
                    _stats: Stats) -> list[Finding]:
        chunks.extend(found)
        return findings

    report = review(selection, options.model_copy(update={"use_model": True}), model_step=keep_chunks,
                    checklist=checklist)
    checked = Checked(report=report, chunks=chunks)
    if baseline is not None and baseline.is_file():
        try:
            checked.baselined = dict(read_baseline(baseline).counts())
            stale = apply_baseline(report, baseline)
        except BaselineError as error:
            checked.baseline_note, checked.baseline_failed = f"{error}: every finding is shown", True
        else:
            checked.baseline_note = (f"{report.coverage.baselined} finding(s) left out: accepted in {baseline}"
                                     + (f" ({len(stale)} stale entr(y/ies))" if stale else ""))
    return checked


class Filters(BaseModel):
    """Which findings are shown: a minimum severity, one source, one category (None: all)."""

    min_severity: Severity | None = None
    source: Source | None = None
    category: str | None = None

    def admits(self, finding: Finding) -> bool:
        if self.min_severity is not None and finding.severity.rank < self.min_severity.rank:
            return False
        if self.source is not None and finding.source is not self.source:
            return False
        return self.category is None or finding.category == self.category

    def describe(self) -> str:
        severity = f">={self.min_severity.value}" if self.min_severity else "all"
        source = self.source.value if self.source else "all"
        return f"sev {severity} · src {source} · cat {self.category or 'all'}"


class Dismissal(BaseModel):
    """One dismissed finding and what was written for it."""

    finding: Finding
    reason: str
    target: Literal["inline", "baseline"]
    path: str
    detail: str


class Progress(BaseModel):
    """Counts for the status bar."""

    chunks: int
    asked: int
    cached: int
    failed: int
    remaining: int


class ReviewSession:
    """The state of one interactive review. Only the UI thread touches it; workers send copies back."""

    def __init__(self, selection: Selection, report: Report, chunks: list[Chunk], checklist: Checklist,
                 baselined: dict[str, int] | None = None) -> None:
        self.checklist = checklist
        self.baselined = dict(baselined or {})
        self.kinds: dict[str, FileKind] = {change.path: change.kind for change in selection.changes}
        self.chunks = sorted(chunks, key=lambda c: (c.file, c.start, c.end))
        self._by_file: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            self._by_file.setdefault(chunk.file, []).append(chunk)
        self._by_key = {chunk_key(c): c for c in self.chunks}
        self._holding: dict[tuple[str, int], Chunk | None] = {}  # (file, line) -> smallest chunk holding it
        self.findings: list[Finding] = []
        self.set_findings(report.findings)
        self.report = report
        self.coverage: dict[ChunkKey, ChunkCoverage] = {chunk_key(c): c for c in report.coverage.chunks}
        files = {c.file for c in self.chunks}
        self.skipped: list[Skipped] = [s for s in report.coverage.files_skipped if s.path not in files]
        self.filters = Filters()
        self.accepted: set[FindingKey] = set()
        self.dismissed: dict[FindingKey, Dismissal] = {}
        self.pending: set[ChunkKey] = set()  # chunks the model stream has not answered yet

    # --- what is shown ------------------------------------------------------------------------
    def files(self) -> list[str]:
        return sorted({c.file for c in self.chunks} | {f.file for f in self.findings})

    def chunks_of(self, path: str) -> list[Chunk]:
        return self._by_file.get(path, [])

    def chunk_by_key(self, key: ChunkKey) -> Chunk | None:
        return self._by_key.get(key)

    def chunk_for(self, finding: Finding) -> Chunk | None:
        """The smallest chunk holding the finding's line (as the engine picks a finding's symbol)."""
        where = (finding.file, finding.line)
        if where not in self._holding:
            holding = [c for c in self.chunks_of(finding.file) if c.start <= finding.line <= c.end]
            self._holding[where] = min(holding, key=lambda c: c.end - c.start) if holding else None
        return self._holding[where]

    def visible(self) -> list[Finding]:
        return [f for f in self.findings if finding_key(f) not in self.dismissed and self.filters.admits(f)]

    def visible_in(self, chunk: Chunk) -> list[Finding]:
        key = chunk_key(chunk)
        return [f for f in self.visible() if f.file == chunk.file and self._key_for(f) == key]

    def visible_by_chunk(self) -> dict[ChunkKey | None, list[Finding]]:
        grouped: dict[ChunkKey | None, list[Finding]] = {}
        for finding in self.visible():
            grouped.setdefault(self._key_for(finding), []).append(finding)
        return grouped

    def visible_in_file(self, path: str) -> list[Finding]:
        return [f for f in self.visible() if f.file == path]

    def _key_for(self, finding: Finding) -> ChunkKey | None:
        chunk = self.chunk_for(finding)
        return chunk_key(chunk) if chunk is not None else None

    def categories(self) -> list[str]:
        return sorted({f.category for f in self.findings})

    @staticmethod
    def severity_counts(findings: Sequence[Finding]) -> list[tuple[Severity, int]]:
        counts = Counter(f.severity for f in findings)
        return [(severity, counts[severity]) for severity in SEVERITY_ORDER if counts[severity]]

    def progress(self) -> Progress:
        states = Counter(c.model for c in self.coverage.values())
        return Progress(chunks=len(self.chunks), asked=states["asked"], cached=states["cached"],
                        failed=states["failed"], remaining=len(self.pending))

    # --- what changes -------------------------------------------------------------------------
    def set_findings(self, findings: Sequence[Finding]) -> None:
        """One finding per (file, line, id), in file and line order."""
        unique: dict[FindingKey, Finding] = {}
        for finding in findings:
            unique.setdefault(finding_key(finding), finding)
        self.findings = sorted(unique.values(), key=lambda f: (f.file, f.line, f.id))

    def apply_answer(self, chunk: Chunk, answered: list[Finding], coverage: ChunkCoverage) -> None:
        """The model answered a chunk: its findings replace the chunk's, elsewhere nothing changes. What the
        baseline accepts stays out, also when the model finds it again."""
        others = [f for f in self.findings if not inside(f, chunk)]
        self.set_findings(others + [f for f in answered if inside(f, chunk) and not self.baselined.get(f.fingerprint)])
        self.coverage[chunk_key(chunk)] = coverage
        self.pending.discard(chunk_key(chunk))

    def without_model(self, chunk: Chunk) -> list[Finding]:
        """The findings with the model's contribution to one chunk taken back, for asking it again."""
        kept = []
        for finding in self.findings:
            if inside(finding, chunk) and finding.source is Source.model:
                continue
            if inside(finding, chunk) and finding.source is Source.both:
                finding = finding.model_copy(update={"source": Source.check})
            kept.append(finding)
        return kept

    def toggle_accepted(self, finding: Finding) -> bool:
        key = finding_key(finding)
        if key in self.accepted:
            self.accepted.discard(key)
            return False
        self.accepted.add(key)
        return True
