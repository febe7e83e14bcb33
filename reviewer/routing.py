"""Route: choose the few checklist items worth asking about a chunk, and record why each was chosen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from reviewer.checklist import Checklist, ChecklistItem
from reviewer.findings import Chunk, Finding

DEFAULT_MAX_ITEMS = 3  # each question costs ~1-2 s of generation on a laptop CPU
MIN_SIGNALS = 2  # one shared word is coincidence more often than relevance

_WORD = re.compile(r"^\w+$")


class RoutedItem(BaseModel):
    id: str
    why: str


def _signal_pattern(signal: str) -> re.Pattern[str]:
    if _WORD.match(signal):
        return re.compile(rf"(?<![\w]){re.escape(signal)}(?![\w])", re.IGNORECASE)
    return re.compile(re.escape(signal), re.IGNORECASE)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def matched_signals(item: ChecklistItem, text: str) -> list[str]:
    found = []
    for signal in item.signals:
        pattern = _PATTERNS.get(signal)
        if pattern is None:
            pattern = _PATTERNS[signal] = _signal_pattern(signal)
        if pattern.search(text):
            found.append(signal)
    return found


def route(chunk: Chunk, checklist: Checklist, findings: Sequence[Finding] = (),
          max_items: int = DEFAULT_MAX_ITEMS, disabled: Iterable[str] = (), signals: bool = True) -> list[RoutedItem]:
    """Items with a deterministic finding in the chunk come first (to confirm and explain them), then, with
    `signals`, the items whose signals the chunk matches best. Items for other file kinds are never asked."""
    skip = set(disabled)
    chosen: dict[str, RoutedItem] = {}
    for finding in findings:
        if finding.file == chunk.file and chunk.start <= finding.line <= chunk.end and finding.id not in skip:
            if finding.id in checklist and finding.id not in chosen:
                chosen[finding.id] = RoutedItem(id=finding.id, why=f"check {finding.rule} reported line {finding.line}")
    scored: list[tuple[int, int, str, list[str]]] = []
    for item in (checklist if signals else ()):
        if item.id in chosen or item.id in skip or chunk.language.value not in item.applies_to:
            continue
        signals = matched_signals(item, chunk.text)
        if len(signals) >= MIN_SIGNALS:
            scored.append((-len(signals), -item.severity.rank, item.id, signals))
    for _, _, item_id, signals in sorted(scored):
        if len(chosen) >= max_items:
            break
        chosen[item_id] = RoutedItem(id=item_id, why="signals: " + ", ".join(signals[:6]))
    return list(chosen.values())[:max_items]
