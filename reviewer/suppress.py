"""Inline suppressions (`# reviewer: ignore[ID]`) and the baseline file of accepted findings."""

from __future__ import annotations

import re
from collections import Counter

from reviewer.findings import Finding

_IGNORE = re.compile(r"#\s*reviewer:\s*ignore\[([A-Z0-9_,\s]+)\]")


def suppressed_ids(lines: list[str], line: int) -> set[str]:
    """Ids suppressed for a 1-based line: a comment on the line itself or alone on the line above."""
    ids: set[str] = set()
    if 1 <= line <= len(lines):
        ids |= _ids_in(lines[line - 1])
    if 2 <= line <= len(lines) + 1:
        above = lines[line - 2]
        if above.lstrip().startswith("#"):
            ids |= _ids_in(above)
    return ids


def _ids_in(text: str) -> set[str]:
    found: set[str] = set()
    for group in _IGNORE.findall(text):
        found.update(part.strip() for part in group.split(",") if part.strip())
    return found


def is_suppressed(finding: Finding, lines: list[str]) -> bool:
    ids = suppressed_ids(lines, finding.line)
    return finding.id in ids or finding.rule in ids or "ALL" in ids


def subtract_baseline(findings: list[Finding], baseline: Counter[str]) -> tuple[list[Finding], int, Counter[str]]:
    """Drop findings whose fingerprint the baseline accepts, as many times as it counts them.

    Returns the findings left, how many were dropped, and the baseline entries nothing matched (stale).
    """
    remaining = Counter(baseline)
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            dropped += 1
        else:
            kept.append(finding)
    stale = Counter({fp: n for fp, n in remaining.items() if n > 0})
    return kept, dropped, stale
