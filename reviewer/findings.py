"""Data that crosses a boundary: changes, chunks, findings, coverage and the report."""

from __future__ import annotations

import hashlib
import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self.value]


_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class Confidence(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"


class Source(str, Enum):
    check = "check"
    model = "model"
    both = "both"


class FileKind(str, Enum):
    python = "python"
    dockerfile = "dockerfile"
    requirements = "requirements"
    kubernetes = "kubernetes"
    compose = "compose"
    yaml = "yaml"
    other = "other"


class Hit(BaseModel):
    """What one deterministic check reports: a place and a reason, before the checklist adds severity."""

    rule: str
    id: str
    line: int
    end_line: int
    message: str
    confidence: Confidence = Confidence.high
    # Other lines of the file that take part in the problem: the query inside a helper called once per row.
    related_lines: list[int] = Field(default_factory=list)


class FileChange(BaseModel):
    """One changed file as the review sees it: its new text and which of its lines changed."""

    path: str
    old_path: str | None = None
    status: str  # added | modified | renamed | deleted | scanned
    kind: FileKind
    text: str | None = None
    changed_lines: list[int] = Field(default_factory=list)
    whole_file: bool = False

    def changed_set(self) -> frozenset[int]:
        if self.whole_file and self.text is not None:
            return frozenset(range(1, self.text.count("\n") + 2))
        return frozenset(self.changed_lines)


class Skipped(BaseModel):
    """A file or chunk that was not reviewed, and why: nothing is dropped silently."""

    path: str
    reason: str


class Chunk(BaseModel):
    """A reviewable unit: the smallest enclosing function, class or module block, or a hunk."""

    file: str
    kind: str  # function | class | module | hunk
    symbol: str
    start: int
    end: int
    changed_lines: list[int]
    text: str
    language: FileKind
    content_hash: str

    @staticmethod
    def hash_of(file: str, start: int, text: str) -> str:
        return hashlib.sha256(f"{file}\0{start}\0{text}".encode()).hexdigest()

    def numbered(self, only: set[int] | None = None) -> str:
        """The chunk's code with its real line numbers, changed lines marked with `>`; with `only`, just those
        lines, each run of left-out lines shown as one `...` line."""
        changed = set(self.changed_lines)
        out = []
        for offset, line in enumerate(self.text.splitlines()):
            number = self.start + offset
            if only is not None and number not in only:
                if not out or out[-1] != "  ...":
                    out.append("  ...")
                continue
            mark = ">" if number in changed else " "
            out.append(f"{number:>5}{mark} {line}")
        return "\n".join(out)


class Finding(BaseModel):
    """One reported problem, in the JSON contract of DESIGN.md."""

    id: str
    rule: str
    file: str
    line: int
    end_line: int
    severity: Severity
    confidence: Confidence
    category: str
    message: str
    evidence: str
    source: Source
    fingerprint: str
    symbol: str = ""
    explanation: str = ""  # the model's one sentence on a check finding it confirmed (source both)
    related_lines: list[int] = Field(default_factory=list)  # other lines of the file that take part in it


_SPACE = re.compile(r"\s+")


def fingerprint(item_id: str, file: str, code_line: str, symbol: str) -> str:
    """A stable identity for a finding that survives lines moving above it."""
    normalised = _SPACE.sub(" ", code_line).strip()
    raw = "\0".join((item_id, file, normalised, symbol))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


class ChunkCoverage(BaseModel):
    """What happened to one chunk: checked, asked, answered from the cache, or not asked and why."""

    file: str
    symbol: str
    start: int
    end: int
    kind: str
    model: str = "not_asked"  # asked | cached | not_asked | failed
    reason: str = ""
    asked: list[str] = Field(default_factory=list)
    asked_why: dict[str, str] = Field(default_factory=dict)
    dropped_answers: int = 0
    invalid_answers: int = 0


class Coverage(BaseModel):
    """What the review looked at and what it did not."""

    files_reviewed: list[str] = Field(default_factory=list)
    files_skipped: list[Skipped] = Field(default_factory=list)
    chunks: list[ChunkCoverage] = Field(default_factory=list)
    checks_run: int = 0
    suppressed: int = 0
    baselined: int = 0
    model: str | None = None
    model_status: str = "not used"


class Stats(BaseModel):
    files: int = 0
    lines: int = 0
    chunks: int = 0
    seconds: float = 0.0
    check_seconds: float = 0.0
    model_seconds: float = 0.0
    model_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_tokens: int = 0
    dropped_answers: int = 0
    invalid_answers: int = 0
    model_loaded: bool = False
    model_load_seconds: float = 0.0
    chunk_seconds: list[float] = Field(default_factory=list)


class Report(BaseModel):
    findings: list[Finding] = Field(default_factory=list)
    coverage: Coverage = Field(default_factory=Coverage)
    stats: Stats = Field(default_factory=Stats)


class StrictModel(BaseModel):
    """Base for data read from files: unknown keys are an error, not a silent default."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------
# What the model may answer. Field descriptions are prompt text: the model reads them in the schema.

VERDICTS = ("problem", "ok", "not_applicable")


# A bound on the one-sentence explanation: generated tokens are what a review waits for (~15 tokens/s here),
# and 100 characters hold a sentence that names the code and the failure.
WHY_MAX_CHARS = 100


def answer_model(item_ids: list[str], lines: list[int]) -> type[BaseModel]:
    """The answer schema for one chunk: one object per asked item; a problem names one of the chunk's lines.

    A small model asked to quote evidence writes prose; limiting `line` to an enum of the chunk's own line
    numbers and reading the evidence from that line removes the failure (DESIGN.md). An answer of ok or
    not_applicable is one short object: generated tokens are what a review waits for.
    """
    from typing import Literal, Union

    from pydantic import create_model

    line_type = Literal[tuple(lines)]  # type: ignore[valid-type]
    fine = create_model(
        "Fine",
        verdict=(Literal["ok", "not_applicable"], Field(description="ok: the code handles it; not_applicable")),
        __config__=ConfigDict(extra="forbid"),
    )
    problem = create_model(
        "Problem",
        verdict=(Literal["problem"], Field(description="only if one line really causes the failure")),
        line=(line_type, Field(description="the number of the line that causes it")),
        why=(str, Field(max_length=WHY_MAX_CHARS, description="one short sentence naming the code on that line and what fails")),
        confidence=(Confidence, Field(description="how sure you are")),
        __config__=ConfigDict(extra="forbid"),
    )
    item = Union[problem, fine]  # type: ignore[valid-type]
    fields = {item_id: (item, Field(description=f"answer to {item_id}")) for item_id in item_ids}
    return create_model("ChunkAnswer", __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload]
