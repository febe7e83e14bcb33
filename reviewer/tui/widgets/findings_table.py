"""The selected chunk's findings as a table, and the selected finding's message and evidence in full."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import DataTable, Static

from reviewer.findings import Finding, Severity
from reviewer.tui.session import FindingKey, ReviewSession, finding_key
from reviewer.tui.widgets.file_tree import SEVERITY_STYLE

SEVERITY_SHORT = {Severity.critical: "crit", Severity.high: "high", Severity.medium: "med", Severity.low: "low"}


def row_key(finding: Finding) -> str:
    return f"{finding.file}\0{finding.line}\0{finding.id}"


class FindingsTable(DataTable):
    """One row per visible finding of the chunk: mark (accepted), id, severity, source, line, message."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, cell_padding=0, **kwargs)
        self.shown: list[Finding] = []

    def on_mount(self) -> None:
        # No cell padding: the widths include the gap, so the message keeps most of an 80-column screen.
        self.add_column(" ", key="mark", width=2)
        self.add_column("ID", key="id", width=7)
        self.add_column("Sev", key="sev", width=5)
        self.add_column("Src", key="src", width=6)
        self.add_column("Line", key="line", width=5)
        self.add_column("Message", key="message")

    def show(self, findings: list[Finding], session: ReviewSession, selected: FindingKey | None) -> None:
        self.clear()
        self.shown = list(findings)
        for finding in findings:
            mark = " ✓" if finding_key(finding) in session.accepted else ""
            # Text cells: a message is shown as written, never read as markup.
            self.add_row(Text(mark), Text(finding.id), Text(SEVERITY_SHORT[finding.severity],
                                                            style=SEVERITY_STYLE[finding.severity]),
                         Text(finding.source.value), Text(str(finding.line)), Text(finding.message),
                         key=row_key(finding))
        keys = [finding_key(f) for f in findings]
        if selected in keys:
            self.move_cursor(row=keys.index(selected), animate=False)

    def finding_at_cursor(self) -> Finding | None:
        row = self.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None


class FindingDetail(Static):
    """Id, severity, source and check of the selected finding, its whole message and its evidence."""

    def show(self, finding: Finding | None, accepted: bool) -> None:
        if finding is None:
            self.update(Text("no finding selected", style="dim"))
            return
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{finding.id} ", style="bold")
        head.append(finding.severity.value, style=SEVERITY_STYLE[finding.severity])
        source = finding.source.value if finding.rule == "model" else f"{finding.source.value} ({finding.rule})"
        head.append(f" · {source} · line {finding.line}")
        if accepted:
            head.append(" · accepted", style="bold green")
        # The evidence before the message: a long message may be cut, the code line never.
        evidence = Text(f"> {finding.evidence}", style="italic", no_wrap=True, overflow="ellipsis")
        parts = [head, evidence, Text(finding.message)]
        if finding.explanation:
            parts.append(Text(f"model: {finding.explanation}", style="dim"))
        self.update(Group(*parts))
