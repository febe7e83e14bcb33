"""Expectation markers in check examples and benchmark files: `# expect: ID`, `# ok: ID`, `# todo-expect: ID`."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

_MARKER = re.compile(r"#\s*(expect|ok|todo-expect)\s*:\s*([A-Z]{2,5}\d{3}(?:\s*,\s*[A-Z]{2,5}\d{3})*)")


class Markers(BaseModel):
    """Per line number, the checklist ids expected, deliberately fine, or expected but not yet found."""

    expect: dict[int, set[str]] = Field(default_factory=dict)
    ok: dict[int, set[str]] = Field(default_factory=dict)
    todo: dict[int, set[str]] = Field(default_factory=dict)

    def expected_pairs(self) -> set[tuple[int, str]]:
        return {(line, i) for line, ids in self.expect.items() for i in ids}


def parse_markers(text: str) -> Markers:
    markers = Markers()
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, ids in _MARKER.findall(line):
            target = {"expect": markers.expect, "ok": markers.ok, "todo-expect": markers.todo}[kind]
            target.setdefault(number, set()).update(i.strip() for i in ids.split(","))
    return markers


_MARKER_COMMENT = re.compile(r"[ \t]*#\s*(expect|ok|todo-expect)\s*:\s*[A-Z]{2,5}\d{3}(?:\s*,\s*[A-Z]{2,5}\d{3})*")


def strip_markers(text: str) -> str:
    """The text with its marker comments removed and every line kept where it was: what a reviewer (or a model)
    must see, since a marker states the answer."""
    return _MARKER_COMMENT.sub("", text)
