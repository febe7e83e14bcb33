"""Verify model answers against the code, and merge them with the deterministic findings."""

from __future__ import annotations

import re

from reviewer.checklist import ChecklistItem
from reviewer.findings import Chunk, Confidence, Finding, Source, fingerprint
from reviewer.redact import mask_secrets
from reviewer.routing import matched_signals

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
# Words that appear in almost every explanation and name nothing in the code.
_STOP = frozenset("""the this that with from into line code call calls called when then than there which will
would could should may might can not does doesn their they them data value values function method use used
using uses without problem issue error errors request requests user users production because""".split())


def code_at(chunk: Chunk, line: int) -> str | None:
    if not chunk.start <= line <= chunk.end:
        return None
    lines = chunk.text.splitlines()
    index = line - chunk.start
    return lines[index] if 0 <= index < len(lines) else None


def drop_reason(item: ChecklistItem, line: int, why: str, chunk: Chunk) -> str | None:
    """Why an answer of "problem" cannot be backed by the code, or None when it can.

    The line must be inside the chunk and hold code; the code on it must carry a signal of the item
    (the question is about something that is there); and the explanation must name something that is
    on that line (the scenario is about this code, not a generic worry).
    """
    code = code_at(chunk, line)
    if code is None:
        return "line outside the chunk"
    stripped = code.strip()
    if not stripped or stripped.startswith("#"):
        return "blank or comment line"
    if not matched_signals(item, code):
        return "nothing on that line relates to the question"
    named = {w.lower() for w in _IDENT.findall(why)} - _STOP
    on_line = {w.lower() for w in _IDENT.findall(code)}
    if not named & on_line:
        return "the explanation names nothing on that line"
    return None


def merge(findings: list[Finding], item: ChecklistItem, chunk: Chunk, line: int, why: str,
          confidence: Confidence) -> tuple[list[Finding], bool]:
    """Add a verified model answer: it confirms a check finding on the same item and line (source both), or
    becomes a model finding. Returns the findings and whether a new one was added. Nothing is removed."""
    for index, finding in enumerate(findings):
        if finding.file == chunk.file and finding.id == item.id and finding.line <= line <= finding.end_line:
            if finding.source is Source.check:
                # The model's sentence is kept beside the check's message: it explains the finding in this
                # code's terms, which is what a confirmation is for (a second "problem" adds little alone).
                findings[index] = finding.model_copy(update={"source": Source.both,
                                                             "explanation": mask_secrets(why.strip())})
            return findings, False
    code = code_at(chunk, line) or ""
    capped = Confidence.low if confidence is Confidence.low else Confidence.medium  # a model is never "high"
    findings.append(Finding(
        id=item.id, rule="model", file=chunk.file, line=line, end_line=line, severity=item.severity,
        confidence=capped, category=item.category, message=mask_secrets(why.strip()) or item.question,
        evidence=mask_secrets(code.strip()), source=Source.model, fingerprint=fingerprint(item.id, chunk.file, code, chunk.symbol),
        symbol=chunk.symbol,
    ))
    return findings, True
