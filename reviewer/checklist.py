"""Load and validate the checklists: the questions a review asks, one TOML file per category."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from reviewer.findings import FileKind, Severity, StrictModel
from reviewer.resources import data_dir

ID_PATTERN = r"^[A-Z]{2,5}\d{3}$"

# The kinds of file a checklist item can apply to: every FileKind except the catch-all.
_APPLICABLE_KINDS = frozenset(kind.value for kind in FileKind if kind is not FileKind.other)


class ChecklistError(Exception):
    """A checklist file that cannot be used; the message is one line naming the file."""


class ItemEntry(StrictModel):
    """One checklist item as written in a TOML file."""

    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    grounding: str = Field(min_length=1)
    severity: Severity
    applies_to: list[str] = Field(min_length=1)
    signals: list[str]
    not_a_problem: str = ""

    @field_validator("applies_to")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        unknown = [kind for kind in kinds if kind not in _APPLICABLE_KINDS]
        if unknown:
            raise ValueError(f"unknown file kind {unknown[0]!r}, expected one of {sorted(_APPLICABLE_KINDS)}")
        return kinds


class ChecklistItem(ItemEntry):
    """One checklist item, with the category and file name it was loaded from."""

    category: str
    source_file: str


class ChecklistFile(StrictModel):
    """One checklist file: a category, its title and its items."""

    category: str = Field(min_length=1)
    title: str = Field(min_length=1)
    items: list[ItemEntry]


class Checklist(StrictModel):
    """Every loaded item by id, ordered by file and then by position in the file."""

    items: dict[str, ChecklistItem]

    def get(self, item_id: str) -> ChecklistItem:
        try:
            return self.items[item_id]
        except KeyError:
            raise ChecklistError(f"unknown checklist id {item_id}") from None

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.items

    def __iter__(self) -> Iterator[ChecklistItem]:  # type: ignore[override]
        # Iterating a checklist yields its items, not pydantic's (field, value) pairs.
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def categories(self) -> list[str]:
        """The categories in load order, each once."""
        return list(dict.fromkeys(item.category for item in self.items.values()))


def load_checklist(extra: Sequence[Path] = ()) -> Checklist:
    """The shipped checklist files (sorted by name), then `extra` files such as a team's own checklist."""
    shipped = tuple(sorted(data_dir("checklists").glob("*.toml")))
    if not extra:
        return _load_cached(shipped)
    # Extra files are not cached: a team may edit them while a long session (the TUI) runs.
    return _load(shipped + tuple(Path(path) for path in extra))


@functools.lru_cache(maxsize=4)
def _load_cached(paths: tuple[Path, ...]) -> Checklist:
    return _load(paths)


def _load(paths: tuple[Path, ...]) -> Checklist:
    items: dict[str, ChecklistItem] = {}
    origin: dict[str, Path] = {}
    for path in paths:
        checklist_file = _read_file(path)
        for entry in checklist_file.items:
            if entry.id in items:
                first, second = _distinct_labels(origin[entry.id], path)
                raise ChecklistError(f"duplicate checklist id {entry.id} in {first} and {second}")
            items[entry.id] = ChecklistItem(
                **entry.model_dump(), category=checklist_file.category, source_file=path.name,
            )
            origin[entry.id] = path
    return Checklist(items=items)


def _read_file(path: Path) -> ChecklistFile:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ChecklistError(f"cannot read checklist file {path}: {error.strerror or error}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ChecklistError(f"checklist file {path} is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError(f"checklist file {path} is not valid TOML: {error}") from None
    try:
        return ChecklistFile.model_validate(data)
    except ValidationError as error:
        raise ChecklistError(f"checklist file {path}: {_describe(error, data)}") from None


def _describe(error: ValidationError, data: dict) -> str:
    """The first validation problems as `where: what`, on one line."""
    problems = []
    for detail in error.errors():
        where = _location(detail["loc"], data)
        if detail["type"] == "extra_forbidden":
            what = "unknown key"
        elif detail["type"] == "missing":
            what = "missing key"
        else:
            what = detail["msg"]
        problems.append(f"{where}: {what}")
    shown = "; ".join(problems[:3])
    if len(problems) > 3:
        shown += f" (and {len(problems) - 3} more)"
    return shown


def _location(loc: tuple[int | str, ...], data: dict) -> str:
    """`items[3] (SEC004).severity` for a pydantic location, naming the item by id when it has one."""
    parts: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            if index == 1 and loc[0] == "items":
                item_id = _item_id(data, part)
                if item_id:
                    parts[-1] += f" ({item_id})"
        else:
            parts.append(str(part))
    return ".".join(parts) or "file"


def _item_id(data: dict, index: int) -> str:
    items = data.get("items")
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        item_id = items[index].get("id")
        if isinstance(item_id, str):
            return item_id
    return ""


def _distinct_labels(first: Path, second: Path) -> tuple[str, str]:
    """File names, or full paths when both files have the same name (a team's security.toml)."""
    if first.name != second.name:
        return first.name, second.name
    return str(first), str(second)


_SPACE = re.compile(r"\s+")
# Typographic characters a copied quote may or may not keep.
_TYPOGRAPHY = str.maketrans({"•": " ", "‘": "'", "’": "'", "“": '"', "”": '"'})


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def grounding_in_document(grounding: str, document: str) -> bool:
    """Whether `grounding` is quoted from `document`, ignoring whitespace, bullets and curly quotes."""
    quote = _normalise(grounding)
    return bool(quote) and quote in _normalise(document)
