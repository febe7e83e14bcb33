"""Render a Report: text for a terminal, JSON, SARIF 2.1.0 and Markdown; and the exit code policy."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from itertools import groupby
from typing import IO

from rich.console import Console
from rich.markup import escape

from reviewer import __version__
from reviewer.checklist import Checklist
from reviewer.findings import Finding, Report, Severity

FAIL_LEVELS = ("low", "medium", "high", "critical", "never")
FORMATS = ("text", "json", "sarif", "markdown")

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    """1 when any finding is at or above the fail level, else 0."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def render(report: Report, fmt: str, stream: IO[str], checklist: Checklist | None = None) -> None:
    if fmt == "json":
        stream.write(to_json(report) + "\n")
    elif fmt == "sarif":
        stream.write(json.dumps(to_sarif(report, checklist), indent=2) + "\n")
    elif fmt == "markdown":
        stream.write(to_markdown(report))
    else:
        to_text(report, stream)


def to_json(report: Report) -> str:
    data = report.model_dump(mode="json")
    for finding in data["findings"]:
        finding.pop("symbol", None)
        if not finding.get("explanation"):  # an optional key: only on findings the model confirmed
            finding.pop("explanation", None)
        if not finding.get("related_lines"):  # an optional key: only where other lines take part (DB001 helpers)
            finding.pop("related_lines", None)
    return json.dumps(data, indent=2)


def _console(stream: IO[str]) -> Console:
    # Rich already honours NO_COLOR; colour only when the stream is a terminal.
    colour = hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")
    return Console(file=stream, force_terminal=colour, color_system="standard" if colour else None,
                   no_color=not colour, highlight=False, soft_wrap=True)


def to_text(report: Report, stream: IO[str]) -> None:
    console = _console(stream)
    for path, group in groupby(report.findings, key=lambda f: f.file):
        console.print(f"[bold]{escape(path)}[/bold]")
        for f in group:
            style = _STYLE[f.severity.value]
            source = "" if f.source.value == "check" else f" [{f.source.value}]"
            console.print(f"  {f.line:>4}  [{style}]{f.id} {f.severity.value}[/{style}]{source}  {escape(f.message)}")
            if f.evidence:
                console.print(f"        [dim]│ {escape(f.evidence)}[/dim]")
            if f.explanation:
                console.print(f"        [dim]│ model: {escape(f.explanation)}[/dim]")
        console.print()
    console.print(summary_line(report))
    for skipped in report.coverage.files_skipped:
        console.print(f"[dim]  not reviewed: {escape(skipped.path)} ({escape(skipped.reason)})[/dim]")


def summary_line(report: Report) -> str:
    cov, stats = report.coverage, report.stats
    counts = {s: sum(1 for f in report.findings if f.severity.value == s) for s in ("critical", "high", "medium", "low")}
    found = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no findings"
    parts = [f"{len(report.findings)} finding(s): {found}" if report.findings else "no findings",
             f"{len(cov.files_reviewed)} file(s), {stats.chunks} chunk(s) checked in {stats.seconds:.2f}s"]
    if cov.files_skipped:
        parts.append(f"{len(cov.files_skipped)} not reviewed")
    if cov.suppressed:
        parts.append(f"{cov.suppressed} suppressed")
    if cov.baselined:
        parts.append(f"{cov.baselined} in baseline")
    parts.append(f"model: {cov.model_status}")
    return " · ".join(parts)


def to_markdown(report: Report) -> str:
    lines = ["## reviewer", ""]
    if not report.findings:
        lines.append("No findings.")
    else:
        lines += ["| severity | id | location | message |", "|---|---|---|---|"]
        for f in report.findings:
            message = f.message + (f" (model: {f.explanation})" if f.explanation else "")
            message = message.replace("|", "\\|")
            lines.append(f"| {f.severity.value} | `{f.id}` | `{f.file}:{f.line}` | {message} |")
    lines += ["", f"_{summary_line(report)}_", ""]
    for skipped in report.coverage.files_skipped:
        lines.append(f"- not reviewed: `{skipped.path}` ({skipped.reason})")
    return "\n".join(lines) + "\n"


def to_sarif(report: Report, checklist: Checklist | None) -> dict:
    """A SARIF 2.1.0 log: one run, rules from the checklist, one result per finding."""
    rule_ids = sorted({f.id for f in report.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        rule: dict = {"id": rule_id, "defaultConfiguration": {"level": "warning"}}
        if checklist is not None and rule_id in checklist:
            item = checklist.get(rule_id)
            rule.update({
                "name": rule_id,
                "shortDescription": {"text": item.question},
                "fullDescription": {"text": item.rationale},
                "help": {"text": f"{item.question}\n\n{item.rationale}\n\nGrounding: \"{item.grounding}\""},
                "defaultConfiguration": {"level": _SARIF_LEVEL[item.severity.value]},
                "properties": {"tags": [item.category], "problem.severity": item.severity.value},
            })
        rules.append(rule)
    results = []
    for f in report.findings:
        results.append({
            "ruleId": f.id,
            "ruleIndex": index[f.id],
            "level": _SARIF_LEVEL[f.severity.value],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.file},
                "region": {"startLine": f.line, "endLine": max(f.line, f.end_line)},
            }}],
            **({"relatedLocations": [{"id": n, "message": {"text": "also part of this finding"},
                                      "physicalLocation": {"artifactLocation": {"uri": f.file},
                                                           "region": {"startLine": line}}}
                                     for n, line in enumerate(f.related_lines)]} if f.related_lines else {}),
            "partialFingerprints": {"reviewerFingerprint/v1": f.fingerprint},
            "properties": {"confidence": f.confidence.value, "source": f.source.value, "rule": f.rule,
                           **({"explanation": f.explanation} if f.explanation else {})},
        })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "reviewer", "version": __version__, "rules": rules}},
            "results": results,
        }],
    }
