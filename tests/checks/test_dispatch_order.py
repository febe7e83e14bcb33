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
