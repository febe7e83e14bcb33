"""The baseline file: fingerprints of accepted findings with counts, subtracted from later reviews."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pydantic import Field, ValidationError

from reviewer.findings import Finding, Report, StrictModel
from reviewer.suppress import subtract_baseline


class BaselineEntry(StrictModel):
    fingerprint: str
    count: int = Field(ge=1)
    id: str
    file: str
    message: str = ""


class Baseline(StrictModel):
    version: int = 1
    entries: list[BaselineEntry] = Field(default_factory=list)

    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for entry in self.entries:
            counts[entry.fingerprint] += entry.count
        return counts


class BaselineError(Exception):
    """A baseline file that cannot be read: one line for the user."""


def baseline_of(findings: list[Finding]) -> Baseline:
    grouped: dict[str, BaselineEntry] = {}
    for f in sorted(findings, key=lambda f: (f.file, f.id, f.fingerprint)):
        if f.fingerprint in grouped:
            grouped[f.fingerprint].count += 1
        else:
            grouped[f.fingerprint] = BaselineEntry(fingerprint=f.fingerprint, count=1, id=f.id, file=f.file,
                                                   message=f.message)
    return Baseline(entries=list(grouped.values()))


def read_baseline(path: Path) -> Baseline:
    try:
        return Baseline.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline file {path} does not exist (create it with `reviewer baseline create`)") from None
    except (ValidationError, ValueError, UnicodeDecodeError):
        raise BaselineError(f"baseline file {path} is not a reviewer baseline") from None


def write_baseline(path: Path, baseline: Baseline) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(baseline.model_dump(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def apply_baseline(report: Report, path: Path) -> list[str]:
    """Drop the findings the baseline accepts; return its stale fingerprints (nothing matched them)."""
    baseline = read_baseline(path)
    kept, dropped, stale = subtract_baseline(report.findings, baseline.counts())
    report.findings = kept
    report.coverage.baselined = dropped
    return sorted(stale)
