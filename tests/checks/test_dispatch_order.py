"""The checks' own tree walk must visit exactly the nodes libcst's visitor visits, in the same order."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from reviewer.checks._base import _Dispatcher

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "reviewer").rglob("*.py")) + sorted((ROOT / "benchmarks" / "cases").rglob("*.py"))[:60]


class _Recorder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", type(node).__name__, id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", type(original_node).__name__, id(original_node)))


def _walk_events(module: cst.Module) -> list[tuple[str, str, int]]:
    events: list[tuple[str, str, int]] = []

    class Every(dict):
        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

        def get(self, node_type, default=()):
            return [lambda node: events.append((self.kind, type(node).__name__, id(node)))]

    _Dispatcher(Every("visit"), Every("leave"), {}).walk(module)
    return events


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_walk_visits_what_libcst_visits_in_the_same_order(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    recorder = _Recorder()
    module.visit(recorder)
    assert _walk_events(module) == recorder.events


def test_decorators_are_visited_before_the_function_body() -> None:
    module = cst.parse_module("@route('/x')\ndef handler():\n    return 1\n")
    names = [name for kind, name, _ in _walk_events(module) if kind == "visit"]
    assert names.index("Decorator") < names.index("IndentedBlock")


def test_lazy_positions_match_libcst_resolver() -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    from reviewer.checks._base import _LazyPositions

    text = (ROOT / "reviewer" / "engine.py").read_text(encoding="utf-8")
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    lazy = _LazyPositions(wrapper)
    expected = wrapper.resolve(PositionProvider)
    assert len(lazy) == len(expected)
    assert all(lazy[node] == position for node, position in expected.items())


_TRICKY_SOURCES = {
    "decorators, comments, blank lines and two statements on a line": (
        "# header comment\n\nimport os; import re\n\n\n# about f\n@first\n\n# between\n@second(1,\n        2)\n"
        "def f(a,\n      b):\n    return a + b\n\nclass C:\n    x = 1\n\n    @property\n    def y(self):\n"
        "        return \"\"\"\nmulti\nline\n\"\"\"\nif os.name:\n    pass\n# trailing comment\n"),
    "Windows newlines": "import os\r\n\r\ndef f():\r\n    return os.sep\r\n",
    "no newline at the end": "import os\n\ndef f():\n    return os.sep",
    "a form feed between definitions": "def f():\n    return 1\n\x0c\ndef g():\n    return 2\n",
}


@pytest.mark.parametrize("text", list(_TRICKY_SOURCES.values()), ids=list(_TRICKY_SOURCES))
def test_positions_computed_per_statement_match_libcst_on_every_node(text: str) -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    from reviewer.checks._base import _LazyPositions

    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    lazy = _LazyPositions(wrapper, text)
    # Looked up from the last node back, as a check reporting at the end of the walk would.
    assert all(lazy[node] == expected[node] for node in reversed(list(expected)))


def test_positions_of_a_finding_in_one_function_regenerate_only_that_function() -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    from reviewer.checks._base import _LazyPositions

    text = (ROOT / "reviewer" / "engine.py").read_text(encoding="utf-8")
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    function = next(s for s in wrapper.module.body if isinstance(s, cst.FunctionDef) and s.name.value == "review")
    inside = [n for n in expected if isinstance(n, cst.Call) and expected[n].start.line > expected[function].start.line
              and expected[n].end.line <= expected[function].end.line]
    lazy = _LazyPositions(wrapper, text)
    assert lazy[inside[0]] == expected[inside[0]]
    assert lazy._positions is None and len(lazy._statements) == 1


def test_a_check_that_raises_costs_only_its_own_findings_and_is_reported_as_coverage(monkeypatch):
    from reviewer.checks.blocking_call_in_async import BlockingCallInAsync
    from reviewer.engine import check_file
    from reviewer.findings import FileChange, FileKind

    def broken(self, node):
        raise RuntimeError("boom")

    monkeypatch.setattr(BlockingCallInAsync, "leave_Module", broken)
    text = "import requests\n\ndef fetch(url):\n    return requests.get(url)\n"
    change = FileChange(path="app/client.py", status="scanned", kind=FileKind.python, text=text, whole_file=True)
    result = check_file(change)
    assert ("REL001", 4) in {(h.id, h.line) for h in result.hits}  # the other checks still ran
    assert result.skipped is not None
    assert "CON001 (RuntimeError: boom)" in result.skipped.reason
