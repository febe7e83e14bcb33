"""`findall` must find what `libcst.matchers.findall` finds, in the same order, on real code."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import libcst.matchers as m
import pytest

from reviewer.checks._base import findall

CASES = sorted((Path(__file__).resolve().parents[2] / "benchmarks" / "cases").rglob("*.py"))[::7]
MATCHERS = [m.Name(), m.Call(), m.SimpleString() | m.FormattedStringText(), m.Return(),
            m.Call(func=m.Attribute(attr=m.Name("get")))]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_findall_matches_libcst_findall_node_for_node(path):
    module = cst.parse_module(path.read_text())
    roots = [module] + [node.body for node in findall(module, m.FunctionDef())]
    for root in roots:
        for matcher in MATCHERS:
            assert [id(n) for n in findall(root, matcher)] == [id(n) for n in m.findall(root, matcher)]
