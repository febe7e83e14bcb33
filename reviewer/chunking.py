"""Cut a changed file into reviewable chunks: the smallest enclosing Python unit, or hunks with context."""

from __future__ import annotations

import ast
import bisect

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from pydantic import BaseModel

from reviewer.findings import Chunk, FileChange, FileKind

HUNK_CONTEXT = 3  # lines shown around a run of changed lines in a hunk chunk
MODULE_SYMBOL = "<module>"
HUNK_SYMBOL = "<hunk>"


class Unit(BaseModel):
    """A function/method or class of a Python file: decorators included, nested functions not separate."""

    kind: str  # function | class
    symbol: str  # qualified through classes: `OrderService.charge`
    start: int  # first decorator, or the def/class line
    def_line: int
    end: int
    parent: int | None = None  # index of the enclosing class unit in the python_units list


class _UnitCollector(cst.CSTVisitor):
    def __init__(self, positions: dict[cst.CSTNode, CodeRange]) -> None:
        super().__init__()
        self.positions = positions
        self.units: list[Unit] = []
        self.classes: list[int] = []

    def _add(self, node: cst.FunctionDef | cst.ClassDef, kind: str) -> None:
        where = self.positions[node]
        # PositionProvider starts a decorated definition at `def`; the decorators belong to it.
        start = self.positions[node.decorators[0]].start.line if node.decorators else where.start.line
        parent = self.classes[-1] if self.classes else None
        prefix = f"{self.units[parent].symbol}." if parent is not None else ""
        self.units.append(Unit(
            kind=kind, symbol=prefix + node.name.value, start=start, def_line=where.start.line,
            end=where.end.line, parent=parent,
        ))

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._add(node, "class")
        self.classes.append(len(self.units) - 1)
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._add(node, "function")
        # A nested function or class is reviewed with the function around it: closures need their context.
        return False


def python_units(wrapper: MetadataWrapper) -> list[Unit]:
    """Functions, methods and classes outside functions, in source order, from the caller's one parse."""
    collector = _UnitCollector(wrapper.resolve(PositionProvider))
    wrapper.module.visit(collector)
    return collector.units


def python_units_of(text: str, wrapper: MetadataWrapper) -> list[Unit]:
    """The same units, from the line numbers stdlib `ast` records.

    libcst's PositionProvider regenerates the whole file to learn positions and costs several times a
    parse; `ast` knows its line numbers for a sixth of that. The checks resolve positions only in files
    where they report something, so most files of a review never pay for them.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return python_units(wrapper)
    units: list[Unit] = []

    def visit(body: list[ast.stmt], parent: int | None) -> None:
        for node in body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            prefix = f"{units[parent].symbol}." if parent is not None else ""
            kind = "class" if isinstance(node, ast.ClassDef) else "function"
            units.append(Unit(kind=kind, symbol=prefix + node.name, start=start, def_line=node.lineno,
                              end=node.end_lineno or node.lineno, parent=parent))
            if kind == "class":
                visit(node.body, len(units) - 1)

    visit(tree.body, None)
    return units


def chunk_file(change: FileChange, wrapper: MetadataWrapper | None,
               budget_lines: int = 80) -> tuple[list[Chunk], str | None]:
    """The chunks of one changed file and an optional note on how they were made.

    Python with a parse: the changed lines grouped by the smallest enclosing unit (function or method with
    its decorators; class statements outside methods; a module-level block between definitions). A unit
    longer than `budget_lines` is cut into windows around its changed lines. Otherwise hunk chunks: each run
    of changed lines with HUNK_CONTEXT lines around it, overlapping runs merged. No changed line is in two
    chunks; a chunk of blank lines only is not emitted (nothing in it to review), and module/class blocks
    lose blank edge lines unless, in a diff, a changed line is there (a deletion point).
    """
    if change.text is None:
        return [], f"{change.status}: no text to chunk"
    lines = change.text.split("\n")
    if change.text.endswith("\n"):
        lines.pop()
    count = len(lines)
    changed = sorted(line for line in change.changed_set() if 1 <= line <= count)
    if not changed:
        return [], None
    budget = max(budget_lines, 1)
    if change.kind == FileKind.python and wrapper is not None:
        # In a whole-file scan a blank line says nothing; in a diff it may mark where lines were deleted.
        keep = set() if change.whole_file else set(changed)
        regions = _python_regions(python_units_of(change.text, wrapper), changed, lines, keep)
        note = None
    else:
        regions = _hunk_regions(changed, count)
        note = _parse_note(change.text) if change.kind == FileKind.python else None
    chunks = []
    for kind, symbol, start, end, anchors, inside in regions:
        for window_start, window_end, window_changed in _windows(start, end, inside, budget, anchors):
            text = "\n".join(lines[window_start - 1:window_end])
            if not text.strip():
                continue
            chunks.append(Chunk(
                file=change.path, kind=kind, symbol=symbol, start=window_start, end=window_end,
                changed_lines=window_changed, text=text, language=change.kind,
                content_hash=Chunk.hash_of(change.path, window_start, text),
            ))
    chunks.sort(key=lambda chunk: chunk.start)
    return chunks, note


_Region = tuple[str, str, int, int, tuple[int, ...], list[int]]


def _python_regions(units: list[Unit], changed: list[int], lines: list[str], keep: set[int]) -> list[_Region]:
    """Group changed lines by the unit, class block or module block that holds them."""
    count = len(lines)
    holder: list[int | None] = [None] * (count + 1)
    for index, unit in enumerate(units):
        # Source order puts a class before its methods, so the innermost unit writes last.
        for line in range(max(unit.start, 1), min(unit.end, count) + 1):
            holder[line] = index
    inner: dict[int | None, list[Unit]] = {}
    for unit in units:
        inner.setdefault(unit.parent, []).append(unit)
    starts = {key: [unit.start for unit in value] for key, value in inner.items()}
    grouped: dict[tuple[str, str, int, int], list[int]] = {}
    anchors: dict[tuple[str, str, int, int], tuple[int, ...]] = {}
    for line in changed:
        index = holder[line]
        if index is not None and units[index].kind == "function":
            unit = units[index]
            key = ("function", unit.symbol, unit.start, unit.end)
            anchors[key] = (unit.start, unit.def_line)
        else:
            outer = (units[index].start, units[index].end) if index is not None else (1, count)
            start, end = _block(line, outer, inner.get(index, []), starts.get(index, []), lines, keep)
            key = ("class", units[index].symbol, start, end) if index is not None else ("module", MODULE_SYMBOL, start, end)
            anchors[key] = (start,)
        grouped.setdefault(key, []).append(line)
    # A blank changed line trimmed off a block's edge has nothing to review.
    return [(kind, symbol, start, end, anchors[(kind, symbol, start, end)], kept)
            for (kind, symbol, start, end), inside in grouped.items()
            if (kept := [line for line in inside if start <= line <= end])]


def _block(line: int, outer: tuple[int, int], inner: list[Unit], starts: list[int], lines: list[str],
           keep: set[int]) -> tuple[int, int]:
    """The lines around `line` between the definitions inside a class or module, blank edges not in `keep`
    trimmed."""
    start, end = outer
    position = bisect.bisect_right(starts, line)
    if position:
        start = max(start, inner[position - 1].end + 1)
    if position < len(inner):
        end = min(end, inner[position].start - 1)
    while start < end and not lines[start - 1].strip() and start not in keep:
        start += 1
    while end > start and not lines[end - 1].strip() and end not in keep:
        end -= 1
    return start, end


def _hunk_regions(changed: list[int], count: int) -> list[_Region]:
    """Runs of changed lines with context, merged when their context touches."""
    regions: list[_Region] = []
    for line in changed:
        low, high = max(1, line - HUNK_CONTEXT), min(count, line + HUNK_CONTEXT)
        if regions and low <= regions[-1][3] + 1:
            kind, symbol, start, _, anchors, inside = regions[-1]
            inside.append(line)
            regions[-1] = (kind, symbol, start, max(regions[-1][3], high), anchors, inside)
        else:
            regions.append(("hunk", HUNK_SYMBOL, low, high, (low,), [line]))
    return regions


def _windows(start: int, end: int, changed: list[int], budget: int,
             anchors: tuple[int, ...]) -> list[tuple[int, int, list[int]]]:
    """Cut start..end into windows of at most `budget` lines around the changed lines, never overlapping.

    The first window starts at the first anchor (decorators, then the def line) that still fits, so a
    split function keeps its signature when it can; later windows centre their changed lines.
    """
    if end - start + 1 <= budget:
        return [(start, end, changed)]
    groups: list[list[int]] = []
    for line in changed:
        if groups and line - groups[-1][0] + 1 <= budget:
            groups[-1].append(line)
        else:
            groups.append([line])
    windows = []
    floor = start
    for index, group in enumerate(groups):
        first, last = group[0], group[-1]
        spare = budget - (last - first + 1)
        window_start = max(floor, first - spare // 2)
        if index == 0:
            window_start = next((anchor for anchor in anchors if last - anchor + 1 <= budget), window_start)
        ceiling = groups[index + 1][0] - 1 if index + 1 < len(groups) else end
        window_end = min(end, window_start + budget - 1, ceiling)
        windows.append((window_start, window_end, group))
        floor = window_end + 1
    return windows


def _parse_note(text: str) -> str:
    """Why a Python file got hunk chunks; the stdlib parser names the line when the code is not valid."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return f"syntax error at line {error.lineno}: hunk chunks used"
    except (ValueError, RecursionError, MemoryError):
        return "not parsed: hunk chunks used"
    return "not parsed: hunk chunks used"
