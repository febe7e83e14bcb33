"""Report formats: SARIF validates against the OASIS schema; fingerprints ignore line numbers; exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from reviewer.checklist import load_checklist
from reviewer.findings import Confidence, Coverage, Finding, Report, Severity, Source, fingerprint
from reviewer.report import exit_code, render, to_sarif

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json").read_text())


def finding(item_id: str = "REL001", severity: Severity = Severity.high, line: int = 4, source=Source.check) -> Finding:
    return Finding(id=item_id, rule="NetworkCallWithoutTimeout", file="app/client.py", line=line, end_line=line,
                   severity=severity, confidence=Confidence.high, category="reliability",
                   message="`requests.get` has no timeout", evidence="return requests.get(u)", source=source,
                   fingerprint=fingerprint(item_id, "app/client.py", "return requests.get(u)", "f"))


def test_sarif_validates_against_the_oasis_schema():
    report = Report(findings=[finding(), finding("SEC001", Severity.critical, 9)], coverage=Coverage())
    doc = to_sarif(report, load_checklist())
    jsonschema.validate(doc, SCHEMA)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["REL001", "SEC001"]
    assert run["results"][0]["partialFingerprints"]
    assert run["results"][1]["level"] == "error"
    assert "Grounding" in run["tool"]["driver"]["rules"][0]["help"]["text"]


def test_sarif_names_a_findings_related_lines_as_related_locations():
    helper_query = finding("DB001", Severity.high, 12).model_copy(update={"related_lines": [3]})
    doc = to_sarif(Report(findings=[helper_query], coverage=Coverage()), load_checklist())
    jsonschema.validate(doc, SCHEMA)
    related = doc["runs"][0]["results"][0]["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [3]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "app/client.py"


def test_sarif_with_no_findings_is_valid():
    jsonschema.validate(to_sarif(Report(), load_checklist()), SCHEMA)


def test_fingerprint_does_not_depend_on_the_line_number_or_spacing():
    assert finding(line=4).fingerprint == finding(line=40).fingerprint
    assert fingerprint("REL001", "a.py", "x =  f( 1)", "g") == fingerprint("REL001", "a.py", "  x = f( 1)", "g")
    assert fingerprint("REL001", "a.py", "x", "g") != fingerprint("REL001", "a.py", "x", "h")


@pytest.mark.parametrize(("fail_on", "expected"), [("low", 1), ("high", 1), ("critical", 0), ("never", 0)])
def test_exit_code_follows_the_fail_level(fail_on, expected):
    assert exit_code([finding(severity=Severity.high)], fail_on) == expected


def test_markdown_has_a_table_row_per_finding():
    out = io.StringIO()
    render(Report(findings=[finding(), finding("SEC001", line=9)]), "markdown", out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| high")]
    assert len(rows) == 2


def test_text_respects_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    render(Report(findings=[finding()]), "text", out)
    assert "\x1b[" not in out.getvalue()
    monkeypatch.delenv("NO_COLOR")
    out = Tty()
    render(Report(findings=[finding()]), "text", out)
    assert "\x1b[" in out.getvalue()
