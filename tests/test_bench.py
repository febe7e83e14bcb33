"""`reviewer bench`: scoring by line against the markers, the list of mistakes, and peers on a selection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reviewer.bench import Reported, mistakes, score
from reviewer.markers import parse_markers

CASE = """\
import requests

def fetch(url):
    return requests.get(url)  # expect: REL001

def fetch_ok(url):
    return requests.get(url, timeout=5)  # ok: REL001

def charge(order):
    return gateway.charge(order)  # expect: REL003
"""


def test_a_miss_and_an_extra_report_are_both_counted_not_cancelled():
    cases = {"svc.py": parse_markers(CASE)}
    reported = [Reported(file="svc.py", line=4, end_line=4, id="REL001"),
                Reported(file="svc.py", line=7, end_line=7, id="REL001")]
    result = score("reviewer", reported, cases)
    assert (result.true_positives, result.false_positives, result.fp_on_ok) == (1, 1, 1)
    assert (result.found, result.expected) == (1, 2)
    assert result.per_id["REL003"].found == 0


def test_a_finding_matches_a_marker_on_any_line_it_spans():
    cases = {"svc.py": parse_markers(CASE)}
    result = score("reviewer", [Reported(file="svc.py", line=3, end_line=4, id="REL001")], cases)
    assert (result.true_positives, result.found) == (1, 1)


def test_mistakes_name_each_missed_marker_and_each_false_positive_by_line():
    cases = {"svc.py": parse_markers(CASE)}
    reported = [Reported(file="svc.py", line=4, end_line=4, id="REL001"),
                Reported(file="svc.py", line=7, end_line=7, id="REL001")]
    assert mistakes(reported, cases) == ["miss svc.py:10 REL003",
                                         "false positive svc.py:7-7 REL001 (on an ok line)"]


def test_bench_on_a_selection_scores_the_peers_on_the_same_files(tmp_path: Path):
    cases = tmp_path / "cases"
    (cases / "shop").mkdir(parents=True)
    (cases / "shop" / "client.py").write_text(CASE)
    (cases / "other").mkdir()
    (cases / "other" / "unrelated.py").write_text("import pickle\n\ndef load(b):\n    return pickle.loads(b)\n")
    out = tmp_path / "result.json"
    proc = subprocess.run([sys.executable, "-m", "reviewer", "bench", "--cases", str(cases), "--no-llm",
                           "--select", "shop/*", "--output", str(out), "--mistakes"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "miss shop/client.py:10 REL003" in proc.stdout
    data = json.loads(out.read_text())
    tools = {t["name"]: t for t in data["tools"]}
    assert tools["reviewer"]["true_positives"] == 1
    # Bandit's B113 (requests without timeout) maps to REL001; the unselected pickle file is not read.
    assert tools["bandit"]["true_positives"] == 1 and tools["bandit"]["false_positives"] == 0
    assert data["cases"]["files"] == 1


def test_markers_are_stripped_from_what_the_tools_read_and_lines_stay_put(tmp_path: Path):
    from reviewer.bench import copy_without_markers
    from reviewer.markers import strip_markers

    text = "x = 1  # expect: REL001\ny = 2  # noqa  # ok: SEC001, SEC002\n# todo-expect: DB006\nz = 3\n"
    assert strip_markers(text) == "x = 1\ny = 2  # noqa\n\nz = 3\n"
    cases = tmp_path / "cases"
    (cases / "deploy").mkdir(parents=True)
    (cases / "deploy" / "Dockerfile").write_text("FROM python:latest  # expect: CTR002\n")
    (cases / "results").mkdir()
    (cases / "results" / "old.json").write_text("{}")
    copied = copy_without_markers(cases, tmp_path / "copy")
    assert (copied / "deploy" / "Dockerfile").read_text() == "FROM python:latest\n"
    assert not (copied / "results").exists()



def test_a_finding_matches_a_marker_on_a_line_it_names_as_related():
    case = "def latest(cur, i):\n    return cur.execute(q, (i,))  # expect: DB001\n\n\ndef all(cur):\n    return [latest(cur, r) for r in rows]\n"
    cases = {"svc.py": parse_markers(case)}
    elsewhere = score("reviewer", [Reported(file="svc.py", line=6, end_line=6, id="DB001")], cases)
    related = score("reviewer", [Reported(file="svc.py", line=6, end_line=6, id="DB001", related_lines=[2])], cases)
    assert (elsewhere.true_positives, elsewhere.false_positives) == (0, 1)
    assert (related.true_positives, related.false_positives, related.found) == (1, 0, 1)
