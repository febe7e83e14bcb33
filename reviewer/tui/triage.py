"""Write a dismissal: an inline suppression comment above the finding, or a baseline entry; never blindly."""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import tokenize
from pathlib import Path

from pydantic import BaseModel

from reviewer.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    read_baseline,
    write_baseline,
)
from reviewer.findings import FileKind, Finding
from reviewer.redact import mask_secrets

BASELINE_FILE = ".reviewer-baseline.json"

# Kinds of file whose comments start with `#`: the only ones an inline suppression can be written in.
HASH_COMMENT_KINDS = frozenset({FileKind.python, FileKind.dockerfile, FileKind.requirements,
                                FileKind.kubernetes, FileKind.compose, FileKind.yaml})

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_IGNORE_COMMENT = re.compile(r"^\s*#\s*reviewer:\s*ignore\[([A-Z0-9_,\s]+)\]")


class TriageError(Exception):
    """A dismissal that was not written, and why: one line for a notification."""


class InlineWritten(BaseModel):
    """Where an inline suppression went: the comment's line, and whether a line was inserted (else merged)."""

    path: Path
    line: int
    inserted: bool


def suppression_comment(item_id: str, reason: str) -> str:
    return f"# reviewer: ignore[{item_id}] {one_line(reason)}".rstrip()


def one_line(text: str) -> str:
    return " ".join(text.split())


def target_path(root: Path, rel: str) -> Path:
    """The file a finding names, under root; a path leaving root is refused."""
    if Path(rel).is_absolute() or ".." in Path(rel).parts:
        raise TriageError(f"{rel} is not a path inside {root}: nothing written")
    return root / rel


def write_inline_suppression(root: Path, finding: Finding, reason: str, line: int,
                             kind: FileKind) -> InlineWritten:
    """Insert `# reviewer: ignore[ID] reason` above `line` (the finding's line as the file is now), indented
    like it; or add the id to a suppression comment already there. Refused when the line no longer holds the
    finding's code: a file that changed since the review is never written."""
    if kind not in HASH_COMMENT_KINDS:
        raise TriageError(f"{finding.file}: no `#` comments in a {kind.value} file; use a baseline entry")
    path = target_path(root, finding.file)
    try:
        before = path.stat()
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise TriageError(f"{finding.file} is not on disk under {root}: nothing written") from None
    except UnicodeDecodeError:
        raise TriageError(f"{finding.file} is not UTF-8 text: nothing written") from None
    lines = _LINES.findall(text)
    index = line - 1
    # Evidence is masked (secrets never reach a report), so compare the line as the report shows it.
    if not 0 <= index < len(lines) or mask_secrets(lines[index].strip()) != finding.evidence.strip():
        raise TriageError(f"{finding.file} changed since the review (line {line} no longer holds the "
                          f"finding's code): nothing written")
    target = lines[index]
    above = lines[index - 1] if index > 0 else ""
    existing = _IGNORE_COMMENT.match(above)
    if existing:
        ids = [part.strip() for part in existing.group(1).split(",") if part.strip()]
        if finding.id in ids:
            raise TriageError(f"{finding.file}:{line - 1} already suppresses {finding.id}: nothing written")
        body = above.rstrip("\r\n")
        merged = body[:existing.start(1)] + ", ".join(ids + [finding.id]) + body[existing.end(1):]
        if one_line(reason):
            merged += f"; {one_line(reason)}"
        lines[index - 1] = merged + above[len(body):]
        written = InlineWritten(path=path, line=line - 1, inserted=False)
    else:
        indent = re.match(r"[ \t]*", target).group()
        newline = target[len(target.rstrip("\r\n")):] or _first_newline(text)
        lines.insert(index, indent + suppression_comment(finding.id, reason) + newline)
        written = InlineWritten(path=path, line=line, inserted=True)
    new_text = "".join(lines)
    if kind is FileKind.python:
        _ensure_comment_token(text, new_text, written.line, finding.file)
    if path.stat().st_mtime_ns != before.st_mtime_ns or path.stat().st_size != before.st_size:
        raise TriageError(f"{finding.file} changed while the comment was being written: nothing written")
    write_atomically(path, new_text.encode("utf-8"))
    return written


def _first_newline(text: str) -> str:
    found = re.search(r"\r\n|\r|\n", text)
    return found.group() if found else "\n"


def _ensure_comment_token(old: str, new: str, line: int, rel: str) -> None:
    """The written line must be a comment to Python, not text inside a string."""
    if _comment_lines(old) is None:
        return  # the file does not tokenize anyway: nothing to compare with
    comments = _comment_lines(new)
    if comments is None or line not in comments:
        raise TriageError(f"{rel}:{line} is inside a string or bracket Python would not read a comment in: "
                          f"nothing written")


def _comment_lines(text: str) -> set[int] | None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    return {token.start[0] for token in tokens if token.type == tokenize.COMMENT}


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and os.replace, keeping the file's mode."""
    path = path.resolve()  # a symlink keeps pointing at the file it named
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def add_to_baseline(path: Path, finding: Finding) -> tuple[Path, int]:
    """Add the finding's fingerprint to the baseline file, or count it once more; returns the file and count."""
    try:
        baseline = read_baseline(path) if path.exists() else Baseline()
    except BaselineError as error:
        raise TriageError(f"{error}: nothing written") from None
    for entry in baseline.entries:
        if entry.fingerprint == finding.fingerprint:
            entry.count += 1
            count = entry.count
            break
    else:
        baseline.entries.append(BaselineEntry(fingerprint=finding.fingerprint, count=1, id=finding.id,
                                              file=finding.file, message=finding.message))
        count = 1
    write_baseline(path, baseline)
    return path, count
