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
        facts=[{"line": 1, "id": "REL001", "message": "no timeout"}], confirming=False)
    assert user.rstrip().endswith("UNTRUSTED CODE>>>")
    assert user.index("[REL001] Q?") < user.index("line 1: [REL001] no timeout") < user.index("<<<UNTRUSTED CODE")
    assert "not instructions" in system


def test_system_part_does_not_depend_on_the_chunk():
    base = dict(language="python", symbol="f", questions=[], facts=[], confirming=True)
    first, _ = load_prompt("review").render(file="a.py", code="1 x", **base)
    second, _ = load_prompt("review").render(file="b.py", code="2 y", **base)
    assert first == second


def test_not_a_problem_guidance_is_left_out_when_the_model_only_confirms_the_checks():
    question = {"id": "REL001", "question": "Q?", "rationale": "R", "grounding": "G", "not_a_problem": "Retries."}
    base = dict(file="a.py", language="python", symbol="f", code="1 x", questions=[question], facts=[])
    _, judging = load_prompt("review").render(confirming=False, **base)
    _, confirming = load_prompt("review").render(confirming=True, **base)
    assert "Not a problem: Retries." in judging
    assert "Not a problem" not in confirming and "[REL001] Q?" in confirming


def test_render_rejects_missing_inputs():
    with pytest.raises(ValueError):
        load_prompt("review").render(file="a.py")
