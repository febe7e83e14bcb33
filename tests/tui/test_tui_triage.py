"""Writing dismissals without the UI: where the comment goes, what is refused, what the baseline holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.baseline import read_baseline
from reviewer.findings import Confidence, FileKind, Finding, Severity, Source
from reviewer.tui.triage import TriageError, add_to_baseline, write_inline_suppression


def finding_at(file: str, line: int, evidence: str, item_id: str = "REL001") -> Finding:
    return Finding(id=item_id, rule="NetworkCallWithoutTimeout", file=file, line=line, end_line=line,
                   severity=Severity.high, confidence=Confidence.high, category="reliability",
                   message="no timeout", evidence=evidence, source=Source.check, fingerprint="abc123")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_comment_goes_above_the_line_with_its_indentation(tmp_path):
    path = write(tmp_path, "svc.py", "def f():\n    if x:\n        requests.get(url)\n")
    written = write_inline_suppression(tmp_path, finding_at("svc.py", 3, "requests.get(url)"), "ok here", 3,
                                       FileKind.python)
    assert written.line == 3 and written.inserted
    assert path.read_text() == ("def f():\n    if x:\n        # reviewer: ignore[REL001] ok here\n"
                                "        requests.get(url)\n")


def test_comment_in_a_dockerfile_uses_the_same_hash_syntax(tmp_path):
    path = write(tmp_path, "Dockerfile", "FROM python:latest\nUSER root\n")
    write_inline_suppression(tmp_path, finding_at("Dockerfile", 1, "FROM python:latest", "CFG004"), "pinned by CI",
                             1, FileKind.dockerfile)
    assert path.read_text().splitlines()[0] == "# reviewer: ignore[CFG004] pinned by CI"


def test_reason_is_kept_on_one_line(tmp_path):
    path = write(tmp_path, "svc.py", "requests.get(url)\n")
    write_inline_suppression(tmp_path, finding_at("svc.py", 1, "requests.get(url)"), "two\nlines", 1,
                             FileKind.python)
    assert path.read_text().splitlines()[0] == "# reviewer: ignore[REL001] two lines"


def test_line_inside_a_string_is_refused(tmp_path):
    text = 'HELP = """\nrequests.get(url)\n"""\n'
    path = write(tmp_path, "svc.py", text)
    with pytest.raises(TriageError, match="inside a string"):
        write_inline_suppression(tmp_path, finding_at("svc.py", 2, "requests.get(url)"), "x", 2, FileKind.python)
    assert path.read_text() == text


def test_file_without_hash_comments_is_refused(tmp_path):
    write(tmp_path, "app.js", "fetch(url)\n")
    with pytest.raises(TriageError, match="use a baseline entry"):
        write_inline_suppression(tmp_path, finding_at("app.js", 1, "fetch(url)"), "x", 1, FileKind.other)


def test_file_missing_from_disk_is_refused(tmp_path):
    with pytest.raises(TriageError, match="not on disk"):
        write_inline_suppression(tmp_path, finding_at("gone.py", 1, "x"), "x", 1, FileKind.python)


def test_path_leaving_the_root_is_refused(tmp_path):
    with pytest.raises(TriageError, match="not a path inside"):
        write_inline_suppression(tmp_path / "root", finding_at("../svc.py", 1, "x"), "x", 1, FileKind.python)


def test_a_symlinked_file_stays_a_symlink(tmp_path):
    real = write(tmp_path, "real/svc.py", "requests.get(url)\n")
    (tmp_path / "svc.py").symlink_to(real)
    write_inline_suppression(tmp_path, finding_at("svc.py", 1, "requests.get(url)"), "x", 1, FileKind.python)
    assert (tmp_path / "svc.py").is_symlink()
    assert real.read_text().startswith("# reviewer: ignore[REL001] x\n")
    assert sorted(p.name for p in real.parent.iterdir()) == ["svc.py"]


def test_last_line_without_newline_gets_a_comment_line_with_one(tmp_path):
    path = write(tmp_path, "svc.py", "import requests\nrequests.get(url)")
    write_inline_suppression(tmp_path, finding_at("svc.py", 2, "requests.get(url)"), "x", 2, FileKind.python)
    assert path.read_text() == "import requests\n# reviewer: ignore[REL001] x\nrequests.get(url)"


def test_baseline_is_created_then_counted(tmp_path):
    finding = finding_at("svc.py", 1, "requests.get(url)")
    path, count = add_to_baseline(tmp_path / ".reviewer-baseline.json", finding)
    assert path == tmp_path / ".reviewer-baseline.json" and count == 1
    _, count = add_to_baseline(path, finding)
    assert count == 2
    baseline = read_baseline(path)
    assert [(e.fingerprint, e.count, e.id, e.file) for e in baseline.entries] == [("abc123", 2, "REL001", "svc.py")]


def test_a_baseline_that_is_not_one_is_left_alone(tmp_path):
    path = tmp_path / ".reviewer-baseline.json"
    path.write_text('{"entries": [{"fingerprint": "abc123"}]}')
    with pytest.raises(TriageError, match="not a reviewer baseline"):
        add_to_baseline(path, finding_at("svc.py", 1, "x"))
    assert path.read_text() == '{"entries": [{"fingerprint": "abc123"}]}'
