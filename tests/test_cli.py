"""The command line end to end: the JSON contract, exit codes, and one clear line for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payments_change.diff"
FINDING_KEYS = {"id", "rule", "file", "line", "end_line", "severity", "confidence", "category", "message",
                "evidence", "source", "fingerprint"}


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run([sys.executable, "-m", "reviewer", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, check=False)


def test_review_patch_json_follows_the_contract():
    proc = run_cli("review", "--patch", str(EXAMPLE), "--format", "json", "--no-llm")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"findings", "coverage", "stats"}
    assert data["findings"], "the example change has known problems"
    for finding in data["findings"]:
        # Optional keys: the model's sentence on a confirmed finding; other lines that take part in the problem.
        assert set(finding) - {"explanation", "related_lines"} == FINDING_KEYS
        assert "related_lines" not in finding or finding["related_lines"]
        assert "explanation" not in finding or finding["source"] == "both"
        assert finding["file"] == "shop/payments.py"
        assert finding["source"] == "check"
    ids = {(f["id"], f["line"]) for f in data["findings"]}
    assert ("REL001", 19) in ids  # requests.post without a timeout
    assert ("SEC001", 15) in ids  # SQL built with an f-string
    assert ("ERR001", 39) in ids  # except Exception: pass
    assert data["coverage"]["files_reviewed"] == ["shop/payments.py"]


def test_review_patch_from_stdin_matches_the_file():
    from_file = json.loads(run_cli("review", "--patch", str(EXAMPLE), "--format", "json", "--no-llm").stdout)
    from_stdin = json.loads(run_cli("review", "--patch", "-", "--format", "json", "--no-llm",
                                    stdin=EXAMPLE.read_text()).stdout)
    assert from_file["findings"] == from_stdin["findings"]


def test_fail_on_never_exits_zero_with_findings():
    proc = run_cli("review", "--patch", str(EXAMPLE), "--no-llm", "--fail-on", "never")
    assert proc.returncode == 0
    assert "REL001" in proc.stdout


def test_text_output_has_no_colour_when_not_a_tty():
    proc = run_cli("review", "--patch", str(EXAMPLE), "--no-llm")
    assert "\x1b[" not in proc.stdout
    assert "shop/payments.py" in proc.stdout


def test_scan_directory_json(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "client.py").write_text("import requests\n\ndef f(u):\n    return requests.get(u)\n")
    (tmp_path / "app" / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    proc = run_cli("scan", str(tmp_path / "app"), "--format", "json", "--no-llm", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert [(f["id"], f["line"]) for f in data["findings"]] == [("REL001", 4)]
    assert len(data["coverage"]["files_reviewed"]) == 2


def test_output_file_is_written(tmp_path):
    out = tmp_path / "report.json"
    proc = run_cli("review", "--patch", str(EXAMPLE), "--no-llm", "--format", "json", "--output", str(out))
    assert proc.stdout == ""
    assert json.loads(out.read_text())["findings"]


def test_inline_suppression_removes_the_finding(tmp_path):
    (tmp_path / "svc.py").write_text(
        "import requests\n\ndef f(u):\n    return requests.get(u)  # reviewer: ignore[REL001]\n")
    data = json.loads(run_cli("scan", "svc.py", "--format", "json", "--no-llm", cwd=tmp_path).stdout)
    assert data["findings"] == []
    assert data["coverage"]["suppressed"] == 1


@pytest.mark.parametrize(("args", "stdin"), [
    (("scan", "does/not/exist", "--no-llm"), None),
    (("review", "--patch", "no-such.diff", "--no-llm"), None),
    (("review", "--patch", "-", "--no-llm"), "this is not a diff\n"),
    (("review", "--patch", "-", "--no-llm"), ""),
    (("review", "no-such-revision-xyz", "--no-llm"), None),
    (("review", "--no-llm"), None),  # a repository with nothing to review
    (("explain", "XYZ999"), None),
    (("review", "--model", "no-such-model", "--patch", "-"), "x"),
])
def test_bad_input_is_one_line_and_exit_two(args, stdin, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    proc = run_cli(*args, stdin=stdin, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_truncated_patch_is_rejected():
    text = EXAMPLE.read_text().splitlines(keepends=True)
    proc = run_cli("review", "--patch", "-", "--no-llm", stdin="".join(text[:20]))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1


def test_checklist_lists_items():
    proc = run_cli("checklist")
    assert proc.returncode == 0
    assert "REL001" in proc.stdout


def test_explain_prints_item_and_check_docs():
    proc = run_cli("explain", "REL001")
    assert proc.returncode == 0
    assert "Grounding:" in proc.stdout
    assert "NetworkCallWithoutTimeout" in proc.stdout
    assert "## Why is this bad?" in proc.stdout


def test_main_in_process_returns_exit_code(capsys):
    assert main(["review", "--patch", str(EXAMPLE), "--no-llm", "--fail-on", "critical", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["findings"]
