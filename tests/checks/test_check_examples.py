"""Every check's own VALID/INVALID examples: the set of (line, id) found must equal the set marked."""

from __future__ import annotations

import textwrap

import pytest

from reviewer.checks._base import FileContext, LineCheck, PythonCheck, all_checks, is_test_path, parse_python, run_line_checks, run_python_checks
from reviewer.diff import kind_of
from reviewer.markers import parse_markers

CHECKS = all_checks()


def _examples():
    for check in CHECKS:
        for index, example in enumerate(check.INVALID):
            yield pytest.param(check, example, id=f"{check.__name__}-invalid-{index}")
        for index, example in enumerate(check.VALID):
            yield pytest.param(check, example, id=f"{check.__name__}-valid-{index}")


def run_one(check, source: str) -> set[tuple[int, str]]:
    path = check.EXAMPLE_PATH
    ctx = FileContext(path=path, text=source, kind=kind_of(path, source), is_test=is_test_path(path))
    if issubclass(check, PythonCheck):
        hits = run_python_checks(parse_python(source), ctx, [check])
    else:
        hits = run_line_checks(ctx, [check])
    return {(hit.line, hit.id) for hit in hits}


@pytest.mark.parametrize(("check", "example"), list(_examples()))
def test_example_reports_exactly_the_marked_lines(check, example):
    source = textwrap.dedent(example).lstrip("\n")
    expected = {(line, i) for (line, i) in parse_markers(source).expected_pairs() if i == check.id}
    assert run_one(check, source) == expected


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_has_invalid_and_valid_examples(check):
    assert check.INVALID, f"{check.__name__} has no INVALID example"
    assert check.VALID, f"{check.__name__} has no VALID example"
    markers = [parse_markers(textwrap.dedent(e)) for e in check.INVALID]
    assert all(mk.expect for mk in markers), "every INVALID example marks at least one line"


def test_there_is_at_least_one_check_of_each_kind():
    assert any(issubclass(c, PythonCheck) for c in CHECKS)
    assert all(issubclass(c, (PythonCheck, LineCheck)) for c in CHECKS)
