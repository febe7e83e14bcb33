"""Property tests: the diff parser, the chunker and the review path never crash or hang on any input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.checks._base import parse_python
from reviewer.chunking import chunk_file
from reviewer.diff import SelectionError, select_patch
from reviewer.engine import review
from reviewer.findings import FileChange, FileKind

EXAMPLE = (Path(__file__).resolve().parent.parent / "examples" / "payments_change.diff").read_text()
DIFF_LINES = EXAMPLE.splitlines(keepends=True)

line = st.sampled_from(DIFF_LINES) | st.text(max_size=80).map(lambda t: t.replace("\n", "") + "\n")


def mutate(lines: list[str], data: st.DataObject) -> str:
    ops = data.draw(st.lists(st.tuples(st.sampled_from(["drop", "dup", "insert", "flip"]),
                                       st.integers(min_value=0, max_value=max(len(lines) - 1, 0))), max_size=6))
    out = list(lines)
    for op, index in ops:
        if not out:
            break
        index %= len(out)
        if op == "drop":
            del out[index]
        elif op == "dup":
            out.insert(index, out[index])
        elif op == "insert":
            out.insert(index, data.draw(line))
        else:
            out[index] = out[index][::-1]
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_patches_parse_or_fail_with_one_line(data):
    text = mutate(DIFF_LINES, data)
    try:
        selection = select_patch(None, text=text)
    except SelectionError as error:
        assert "\n" not in str(error) and str(error)
        return
    review(selection)  # whatever parsed must review without an exception


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_is_a_diff_or_a_clear_error(text):
    try:
        select_patch(None, text=text)
    except SelectionError as error:
        assert "\n" not in str(error)


PY_LINE = st.sampled_from([
    "import os", "def f(x):", "    return x", "class A:", "    def m(self):", "        pass", "", "@decorator",
    "x = 1", "    if x:", "        y = 2", "async def g():", "    await h()", "# comment", "'''doc'''", "  bad indent",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(PY_LINE, min_size=1, max_size=40), st.data())
def test_chunks_cover_each_changed_line_exactly_once(lines, data):
    text = "\n".join(lines) + "\n"
    changed = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=len(lines)), min_size=1)))
    change = FileChange(path="m.py", status="modified", kind=FileKind.python, text=text, changed_lines=changed)
    try:
        wrapper = parse_python(text)
    except Exception:
        wrapper = None
    chunks, _ = chunk_file(change, wrapper, budget_lines=data.draw(st.integers(min_value=1, max_value=50)))
    covered = [n for chunk in chunks for n in chunk.changed_lines]
    assert len(covered) == len(set(covered))
    non_blank = {n for n in changed if lines[n - 1].strip()}
    assert non_blank <= set(covered)
    for chunk in chunks:
        assert chunk.start <= min(chunk.changed_lines) and max(chunk.changed_lines) <= chunk.end
