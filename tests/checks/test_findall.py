"""`findall` (plain code) must find what `libcst.matchers.findall` finds, in the same order, on real code."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest

from reviewer.checks._base import findall

CASES = sorted((Path(__file__).resolve().parents[2] / "benchmarks" / "cases").rglob("*.py"))[::7]
# (what reviewer's findall is given, the libcst matcher that says the same)
PAIRS = [
    (cst.Name, m.Name()),
    (cst.Call, m.Call()),
    ((cst.SimpleString, cst.FormattedStringText), m.SimpleString() | m.FormattedStringText()),
    (cst.Return, m.Return()),
    (lambda n: isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "get",
     m.Call(func=m.Attribute(attr=m.Name("get")))),
]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_findall_matches_libcst_findall_node_for_node(path):
    module = cst.parse_module(path.read_text())
    roots = [module] + [node.body for node in findall(module, cst.FunctionDef)]
    for root in roots:
        for ours, theirs in PAIRS:
            assert [id(n) for n in findall(root, ours)] == [id(n) for n in m.findall(root, theirs)]


@pytest.mark.parametrize(("source", "expected"), [
    ('if __name__ == "__main__":\n    pass\n', True),
    ("if __name__ == '__main__' 'x':\n    pass\n", False),
    ('if __name__ != "__main__":\n    pass\n', False),
    ('if name == "__main__":\n    pass\n', False),
])
def test_main_guard_is_recognised_as_libcst_s_matcher_did(source, expected):
    from reviewer.checks._base import is_main_guard

    test = cst.parse_module(source).body[0].test
    matcher = m.Comparison(left=m.Name("__name__"),
                           comparisons=[m.ComparisonTarget(operator=m.Equal(), comparator=m.SimpleString())])
    assert is_main_guard(test) is m.matches(test, matcher) is expected
