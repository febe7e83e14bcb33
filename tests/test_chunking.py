"""Cutting changed files into chunks: smallest enclosing Python unit, budget windows, hunk fallback."""

from __future__ import annotations

import itertools
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from reviewer.chunking import chunk_file, python_units
from reviewer.findings import Chunk, FileChange, FileKind

SERVICE = textwrap.dedent('''\
    """Orders."""
    import logging

    log = logging.getLogger(__name__)
    RETRIES = 3


    class OrderService:
        """Charges orders."""

        timeout = 5

        def __init__(self, gateway):
            self.gateway = gateway

        @retry(times=RETRIES)
        @traced
        def charge(self, order):
            amount = order.total
            result = self.gateway.charge(amount)
            log.info("charged %s", amount)
            return result

        def refund(self, order):
            return self.gateway.refund(order.id)


    def helper(value):
        def inner():
            return value * 2
        return inner()


    DEFAULT = OrderService(None)
''')


def wrap(text: str) -> MetadataWrapper:
    return MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)


def python_change(text: str, lines: list[int], path: str = "app/orders.py") -> FileChange:
    return FileChange(path=path, status="modified", kind=FileKind.python, text=text, changed_lines=lines)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


def chunks_for(text: str, lines: list[int], budget: int = 80) -> list[Chunk]:
    chunks, note = chunk_file(python_change(text, lines), wrap(text), budget)
    assert note is None
    return chunks


def test_changed_line_in_a_method_gives_the_method_with_its_decorators():
    changed = line_of(SERVICE, "log.info")

    [chunk] = chunks_for(SERVICE, [changed])

    assert (chunk.kind, chunk.symbol) == ("function", "OrderService.charge")
    assert chunk.start == line_of(SERVICE, "@retry")
    assert chunk.end == line_of(SERVICE, "return result")
    assert chunk.text.startswith("    @retry(times=RETRIES)\n    @traced\n    def charge")
    assert chunk.changed_lines == [changed]
    assert chunk.language == FileKind.python
    assert chunk.file == "app/orders.py"


def test_changed_decorator_line_maps_to_its_function():
    [chunk] = chunks_for(SERVICE, [line_of(SERVICE, "@traced")])

    assert chunk.symbol == "OrderService.charge"


def test_two_changes_in_one_function_give_one_chunk():
    lines = [line_of(SERVICE, "amount = order.total"), line_of(SERVICE, "return result")]

    [chunk] = chunks_for(SERVICE, lines)

    assert chunk.symbol == "OrderService.charge"
    assert chunk.changed_lines == lines


def test_changes_in_two_methods_give_two_chunks_in_order():
    lines = [line_of(SERVICE, "return self.gateway.refund"), line_of(SERVICE, "self.gateway = gateway")]

    chunks = chunks_for(SERVICE, lines)

    assert [chunk.symbol for chunk in chunks] == ["OrderService.__init__", "OrderService.refund"]


def test_module_level_change_gives_a_module_block():
    [chunk] = chunks_for(SERVICE, [line_of(SERVICE, "RETRIES = 3")])

    assert (chunk.kind, chunk.symbol) == ("module", "<module>")
    assert (chunk.start, chunk.end) == (1, line_of(SERVICE, "RETRIES = 3"))


def test_module_blocks_are_separated_by_definitions():
    [chunk] = chunks_for(SERVICE, [line_of(SERVICE, "DEFAULT =")])

    assert chunk.kind == "module"
    assert chunk.start == chunk.end == line_of(SERVICE, "DEFAULT =")


def test_class_statement_outside_methods_gives_a_class_chunk():
    [chunk] = chunks_for(SERVICE, [line_of(SERVICE, "timeout = 5")])

    assert (chunk.kind, chunk.symbol) == ("class", "OrderService")
    assert chunk.start == line_of(SERVICE, "class OrderService")
    assert chunk.end == line_of(SERVICE, "timeout = 5")


def test_nested_function_is_reviewed_with_its_enclosing_function():
    [chunk] = chunks_for(SERVICE, [line_of(SERVICE, "return value * 2")])

    assert chunk.symbol == "helper"
    assert chunk.start == line_of(SERVICE, "def helper")


def test_python_units_qualify_methods_through_nested_classes():
    text = "class Outer:\n    class Inner:\n        @staticmethod\n        def run():\n            pass\n"

    units = python_units(wrap(text))

    assert [(unit.kind, unit.symbol, unit.start, unit.def_line, unit.end) for unit in units] == [
        ("class", "Outer", 1, 1, 5), ("class", "Outer.Inner", 2, 2, 5), ("function", "Outer.Inner.run", 3, 4, 5),
    ]


def test_chunk_text_is_the_exact_source_lines():
    [chunk] = chunks_for(SERVICE, [line_of(SERVICE, "return self.gateway.refund")])

    source = SERVICE.split("\n")
    assert chunk.text == "\n".join(source[chunk.start - 1:chunk.end])


def test_large_function_is_split_within_the_budget_without_repeating_a_changed_line():
    body = "".join(f"    step_{n} = compute({n})\n" for n in range(200))
    text = "@decorated\ndef long_job():\n" + body + "    return step_199\n"
    changed = [5, 6, 60, 61, 62, 150, 201]

    chunks = chunks_for(text, changed, budget=40)

    assert all(chunk.end - chunk.start + 1 <= 40 for chunk in chunks)
    seen = [line for chunk in chunks for line in chunk.changed_lines]
    assert sorted(seen) == changed
    assert len(seen) == len(set(seen))
    assert all(chunk.start <= line <= chunk.end for chunk in chunks for line in chunk.changed_lines)
    assert chunks[0].start == 1  # the first window keeps the decorator and the def line
    assert {chunk.symbol for chunk in chunks} == {"long_job"}
    for earlier, later in itertools.pairwise(chunks):
        assert earlier.end < later.start


def test_whole_file_scan_chunks_every_unit():
    change = FileChange(path="app/orders.py", status="scanned", kind=FileKind.python, text=SERVICE,
                        changed_lines=list(range(1, SERVICE.count("\n") + 1)), whole_file=True)

    chunks, note = chunk_file(change, wrap(SERVICE))

    assert note is None
    assert [chunk.symbol for chunk in chunks] == [
        "<module>", "OrderService", "OrderService.__init__", "OrderService.charge", "OrderService.refund",
        "helper", "<module>",
    ]
    covered = [line for chunk in chunks for line in chunk.changed_lines]
    assert len(covered) == len(set(covered))


def test_non_python_file_gives_hunk_chunks_with_context():
    text = "".join(f"line {n}\n" for n in range(1, 41))
    change = FileChange(path="deploy/app.yaml", status="modified", kind=FileKind.yaml, text=text,
                        changed_lines=[10, 12, 30])

    chunks, note = chunk_file(change, None)

    assert note is None
    assert [(chunk.kind, chunk.start, chunk.end, chunk.changed_lines) for chunk in chunks] == [
        ("hunk", 7, 15, [10, 12]), ("hunk", 27, 33, [30]),
    ]
    assert chunks[0].text.split("\n")[0] == "line 7"
    assert chunks[0].language == FileKind.yaml


def test_hunk_context_is_clamped_to_the_file():
    change = FileChange(path="Dockerfile", status="modified", kind=FileKind.dockerfile,
                        text="FROM python:3.11\nRUN pip install x\n", changed_lines=[1])

    [chunk] = chunk_file(change, None)[0]

    assert (chunk.start, chunk.end) == (1, 2)


def test_syntax_error_falls_back_to_hunks_with_a_note():
    text = "def ok():\n    return 1\n\ndef broken(:\n    pass\n"
    change = python_change(text, [4])

    chunks, note = chunk_file(change, None)

    assert note == "syntax error at line 4: hunk chunks used"
    assert [(chunk.kind, chunk.start, chunk.end) for chunk in chunks] == [("hunk", 1, 5)]


def test_deleted_file_gives_no_chunks():
    change = FileChange(path="gone.py", status="deleted", kind=FileKind.python, text=None)

    chunks, note = chunk_file(change, None)

    assert chunks == []
    assert note


def test_blank_only_change_between_definitions_gives_no_chunk():
    text = "def a():\n    pass\n\n\n\ndef b():\n    pass\n"

    assert chunks_for(text, [4]) == []


def test_changed_blank_line_at_a_block_edge_stays_in_a_diff_but_not_in_a_scan():
    text = "x = 1\n\n\ndef f():\n    pass\n"
    scanned = FileChange(path="a.py", status="scanned", kind=FileKind.python, text=text, whole_file=True)

    [diff_chunk] = chunks_for(text, [3])
    scan_chunks, _ = chunk_file(scanned, wrap(text))

    assert (diff_chunk.start, diff_chunk.end, diff_chunk.changed_lines) == (1, 3, [3])
    assert [(chunk.symbol, chunk.start, chunk.end) for chunk in scan_chunks] == [("<module>", 1, 1), ("f", 4, 5)]


def test_content_hash_is_stable_and_follows_the_text():
    line = line_of(SERVICE, "log.info")
    first = chunks_for(SERVICE, [line])[0]
    again = chunks_for(SERVICE, [line])[0]
    edited_text = SERVICE.replace('log.info("charged %s", amount)', 'log.info("charged %s", amount * 2)')
    edited = chunks_for(edited_text, [line])[0]

    assert first.content_hash == again.content_hash == Chunk.hash_of(first.file, first.start, first.text)
    assert edited.content_hash != first.content_hash


def test_unchanged_file_has_no_chunks():
    assert chunks_for(SERVICE, []) == []


@pytest.mark.parametrize("budget", [1, 3, 10])
def test_tiny_budgets_still_cover_every_changed_line_once(budget):
    lines = list(range(1, SERVICE.count("\n") + 1))

    chunks = chunks_for(SERVICE, lines, budget=budget)

    covered = [line for chunk in chunks for line in chunk.changed_lines]
    blank = {n for n, text in enumerate(SERVICE.split("\n"), 1) if not text.strip()}
    assert len(covered) == len(set(covered))
    assert set(lines) - set(covered) <= blank
    assert all(chunk.end - chunk.start + 1 <= budget for chunk in chunks)
