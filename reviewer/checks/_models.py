"""The ORM relations a file's models module declares, read from that module's text (see _neighbours).

A loop over ORM rows that reads `booking.member` runs one query per row when `member` is a relation loaded
lazily. Whether it is one is written in the models module the file imports (`member = models.ForeignKey(...)`,
`member = relationship("Member")`), not in the file itself.
"""

from __future__ import annotations

import functools
import re

from reviewer.checks._neighbours import from_imports, module_files, read_stamped, stamp

# Django: `member = models.ForeignKey(...)`, `plan = OneToOneField(...)`; SQLAlchemy: `member = relationship(...)`,
# `member: Mapped["Member"] = relationship(...)`, `db.relationship(...)`.
_FIELD = re.compile(r"^[ \t]+(\w+)\s*(?::[^=\n]*)?=\s*(?:[\w.]*\.)?(ForeignKey|OneToOneField|ManyToManyField|"
                    r"relationship|relation)\(", re.MULTILINE)
# A plain column: `provider = models.CharField(...)`, `status = Column(String)`,
# `total: Mapped[int] = mapped_column(...)`.
_COLUMN = re.compile(r"^[ \t]+(\w+)\s*(?::[^=\n]*)?=\s*(?:[\w.]*\.)?(?:\w+Field(?<!ForeignKey)(?<!OneToOneField)"
                     r"(?<!ManyToManyField)|Column|mapped_column)\(", re.MULTILINE)
# A reverse accessor the declaration names: `related_name="lines"`, `backref="lines"`.
_REVERSE = re.compile(r"\b(?:related_name|backref)\s*=\s*(?:[\w.]*backref\()?\s*[\"'](\w+)[\"']")
# A relationship loaded with its rows by default: `relationship(..., lazy="selectin")` (or joined, subquery).
_EAGER_DEFAULT = re.compile(r"\blazy\s*=\s*[\"'](selectin|joined|subquery|immediate)[\"']")


def declared_relations(path: str, root: str, text: str) -> frozenset[str]:
    """Attribute names that are lazily loaded relations in the models modules `text` imports. A name that some
    model of those modules declares as a plain column (`provider = models.CharField(...)` beside another model's
    `provider = models.ForeignKey(...)`) is left out: which model a row is of is not known here."""
    names: set[str] = set()
    columns: set[str] = set()
    seen: set[tuple[int, tuple[str, ...]]] = set()
    for dots, parts, _name, _local in from_imports(text):
        if "models" not in parts or (dots, tuple(parts)) in seen:
            continue
        seen.add((dots, tuple(parts)))
        for file in module_files(path, root, dots, parts[: parts.index("models") + 1]):
            relations, plain = _relations_in(str(file), stamp(str(file)))
            names |= relations
            columns |= plain
    return frozenset(names - columns)


@functools.lru_cache(maxsize=256)
def _relations_in(file: str, stamped: tuple[int, int]) -> tuple[frozenset[str], frozenset[str]]:
    """(lazily loaded relation names, names declared as plain columns) in one models module."""
    source = read_stamped(file, stamped)
    names: set[str] = set()
    for match in _FIELD.finditer(source):
        declaration = _arguments(source, match.end())
        if not _EAGER_DEFAULT.search(declaration):
            names.add(match.group(1))
        names.update(_REVERSE.findall(declaration))
    return frozenset(names), frozenset(_COLUMN.findall(source))


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
