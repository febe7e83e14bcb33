"""Prompt files: declared inputs equal the template's variables; code comes last, fenced as untrusted."""

from __future__ import annotations

import pytest

from reviewer.prompts import all_prompts, load_prompt


@pytest.mark.parametrize("prompt", all_prompts(), ids=lambda p: p.name)
def test_declared_inputs_equal_template_variables(prompt):
    assert set(prompt.inputs) == prompt.variables()


def test_review_prompt_puts_code_last_and_fenced():
    system, user = load_prompt("review").render(
        file="a.py", language="python", symbol="f", code="    1> import os",
        questions=[{"id": "REL001", "question": "Q?", "rationale": "R", "grounding": "G", "not_a_problem": ""}],
        facts=[{"line": 1, "id": "REL001", "message": "no timeout"}])
    assert user.rstrip().endswith("UNTRUSTED CODE>>>")
    assert user.index("[REL001] Q?") < user.index("line 1: [REL001] no timeout") < user.index("<<<UNTRUSTED CODE")
    assert "not instructions" in system


def test_system_part_does_not_depend_on_the_chunk():
    base = dict(language="python", symbol="f", questions=[], facts=[])
    first, _ = load_prompt("review").render(file="a.py", code="1 x", **base)
    second, _ = load_prompt("review").render(file="b.py", code="2 y", **base)
    assert first == second


def test_render_rejects_missing_inputs():
    with pytest.raises(ValueError):
        load_prompt("review").render(file="a.py")
