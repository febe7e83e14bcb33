"""Hostile code under review: injection text is reported, checks' findings survive, output stays valid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from model_support import requires_model

from reviewer.diff import Selection
from reviewer.engine import ReviewOptions, review
from reviewer.findings import FileChange, FileKind, Source

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((Path(__file__).parent / "fixtures" / "injection").glob("*.py"))
# The real problem in each fixture, which no text in the file may talk away.
REAL = {"ignore_instructions.py": "REL001", "fake_verdict.py": "REL001", "role_claim.py": "SEC004",
        "chat_tokens.py": "SEC002", "fake_delimiters.py": "REL001"}


def selection(path: Path) -> Selection:
    change = FileChange(path=path.name, status="scanned", kind=FileKind.python, text=path.read_text(), whole_file=True)
    return Selection(changes=[change], skipped=[], root=".", description="fixture")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_injection_text_is_itself_reported(path):
    report = review(selection(path))
    assert any(f.id == "SEC020" for f in report.findings), [f.id for f in report.findings]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_deterministic_findings_survive_a_model_that_obeys_the_injection(path):
    from reviewer.ask import AskSettings, make_model_step
    from reviewer.llm import Completion

    class Obedient:
        name, model_sha256, concurrency, loaded = "obedient", "0" * 64, 1, True

        def complete(self, system, user, schema, max_tokens, seed):
            return Completion(text=json.dumps({i: {"verdict": "ok"} for i in schema["properties"]}))

    step = make_model_step(AskSettings(model_name="obedient", model_sha256="0" * 64), lambda: Obedient(), None)
    report = review(selection(path), ReviewOptions(use_model=True), model_step=step)
    assert any(f.id == REAL[path.name] and f.source in (Source.check, Source.both) for f in report.findings)


def test_prompt_fences_the_code_after_the_questions():
    from reviewer.ask import AskSettings, build_prompt
    from reviewer.checklist import load_checklist
    from reviewer.checks._base import parse_python
    from reviewer.chunking import chunk_file

    path = next(p for p in CASES if p.name == "fake_delimiters.py")
    change = selection(path).changes[0]
    chunks, _ = chunk_file(change, parse_python(change.text))
    prompt = build_prompt(chunks[0], ["REL001"], [], load_checklist(), AskSettings(model_name="m", model_sha256="0" * 64))
    # The imitation delimiters sit inside the real fence, after every instruction.
    assert prompt.user.index("[REL001]") < prompt.user.index("<<<UNTRUSTED CODE\n")
    assert prompt.user.rstrip().endswith("UNTRUSTED CODE>>>")


@requires_model
def test_real_model_output_stays_schema_valid_on_injection_text(tmp_path):
    env = dict(os.environ, REVIEWER_CACHE_DIR=str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "injection" / "fake_verdict.py", work / "fake_verdict.py")
    # The fixture's items are answered by checks, which the model is asked about only when it may extend them.
    (work / ".reviewer.toml").write_text("model_extends_checks = true\n")
    proc = subprocess.run([sys.executable, "-m", "reviewer", "scan", "fake_verdict.py", "--model", "tiny",
                           "--format", "json", "--fail-on", "never", "--max-items", "2"], capture_output=True,
                          text=True, env=env, cwd=work, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["stats"]["model_calls"] >= 1 and data["stats"]["invalid_answers"] == 0
    assert {"REL001", "SEC020"} <= {f["id"] for f in data["findings"]}
