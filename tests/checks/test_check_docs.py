"""Every check answers a checklist item and documents itself in the three required sections."""

from __future__ import annotations

import inspect
import re

import pytest

from reviewer.checklist import load_checklist
from reviewer.checks._base import all_checks

CHECKS = all_checks()
SECTIONS = ("## What it does", "## Why is this bad?", "## Known limits")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_id_is_in_the_checklist(check):
    assert check.id in load_checklist(), f"{check.__name__} answers unknown id {check.id}"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_docstring_has_every_section(check):
    doc = inspect.cleandoc(check.__doc__ or "")
    for section in SECTIONS:
        assert section in doc, f"{check.__name__} lacks {section!r}"
    assert doc.splitlines()[0].strip(), "the first line is a one-line summary"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_is_named_for_the_bad_pattern(check):
    assert not re.match(r"^(No|Avoid|Check)[A-Z]", check.__name__)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_lives_in_a_module_named_after_it(check):
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", check.__name__).lower()
    assert check.__module__.rsplit(".", 1)[1] == snake


def test_each_check_module_holds_one_check():
    modules = [c.__module__ for c in CHECKS]
    assert len(modules) == len(set(modules))


def test_check_names_are_unique():
    names = [c.__name__ for c in CHECKS]
    assert len(names) == len(set(names))
