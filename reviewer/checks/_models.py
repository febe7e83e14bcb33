"""The ORM relations a file's models module declares, read from that module's text.

A loop over ORM rows that reads `booking.member` runs one query per row when `member` is a relation loaded
lazily. Whether it is one is written in the models module the file imports (`member = models.ForeignKey(...)`,
`member = relationship("Member")`), not in the file itself. This reads those declarations with regular
expressions, without parsing: the engine also calls it to build a file's cache key (so that a changed models
module re-checks the files that import it), and a review served from the cache must not load libcst.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

# `from .models import Booking`, `from bookings.models import Booking`, `from app.models.loans import Loan`,
# `from models import Booking`.
_IMPORT = re.compile(r"^\s*from\s+(\.*)([\w.]*)\s+import\b", re.MULTILINE)
# Django: `member = models.ForeignKey(...)`, `plan = OneToOneField(...)`; SQLAlchemy: `member = relationship(...)`,
# `member: Mapped["Member"] = relationship(...)`, `db.relationship(...)`.
_FIELD = re.compile(r"^[ \t]+(\w+)\s*(?::[^=\n]*)?=\s*(?:[\w.]*\.)?(ForeignKey|OneToOneField|ManyToManyField|"
                    r"relationship|relation)\(", re.MULTILINE)
# A reverse accessor the declaration names: `related_name="lines"`, `backref="lines"`.
_REVERSE = re.compile(r"\b(?:related_name|backref)\s*=\s*(?:[\w.]*backref\()?\s*[\"'](\w+)[\"']")
# A relationship loaded with its rows by default: `relationship(..., lazy="selectin")` (or joined, subquery).
_EAGER_DEFAULT = re.compile(r"\blazy\s*=\s*[\"'](selectin|joined|subquery|immediate)[\"']")
_MAX_BYTES = 512 * 1024
_MAX_FILES = 40


def declared_relations(path: str, root: str, text: str) -> frozenset[str]:
    """Attribute names that are lazily loaded relations in the models modules `text` imports."""
    folder = (Path(root or ".") / path).parent
    top = Path(root or ".").resolve()
    names: set[str] = set()
    for dots, module in _IMPORT.findall(text):
        parts = [p for p in module.split(".") if p]
        if "models" not in parts:
            continue
        parts = parts[: parts.index("models") + 1]
        for candidate in _candidates(folder, top, len(dots), parts):
            names |= _relations_in(str(candidate))
    return frozenset(names)


def _candidates(folder: Path, top: Path, dots: int, parts: list[str]) -> list[Path]:
    """Where `parts` (`["bookings", "models"]`) may live: relative to the importing file for `from .models`,
    else under the file's folder or up to four folders above it (not above the work tree's top)."""
    if dots:
        bases = [folder.resolve()]
        for _ in range(dots - 1):
            bases = [bases[0].parent]
    else:
        bases, current = [], folder.resolve()
        for _ in range(5):
            bases.append(current)
            if current == top or top not in current.parents:
                break
            current = current.parent
    found = []
    for base in bases:
        target = base.joinpath(*parts)
        if target.with_suffix(".py").is_file():
            found.append(target.with_suffix(".py"))
            break
        if target.is_dir():  # a models package: every module in it
            found.extend(sorted(target.glob("*.py"))[:_MAX_FILES])
            break
    return found


@functools.lru_cache(maxsize=256)
def _relations_in(file: str) -> frozenset[str]:
    try:
        if Path(file).stat().st_size > _MAX_BYTES:
            return frozenset()
        source = Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    names: set[str] = set()
    for match in _FIELD.finditer(source):
        declaration = _arguments(source, match.end())
        if not _EAGER_DEFAULT.search(declaration):
            names.add(match.group(1))
        names.update(_REVERSE.findall(declaration))
    return frozenset(names)


def _arguments(source: str, start: int) -> str:
    """The text of a call's arguments, from just after its `(` to the matching `)` (at most 2,000 characters)."""
    depth = 1
    for index in range(start, min(len(source), start + 2000)):
        char = source[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return source[start:index]
    return source[start: start + 2000]
