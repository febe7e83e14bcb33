"""The files of the change and their chunks, each labelled with its visible findings per severity."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reviewer.findings import Finding, Severity
from reviewer.tui.session import ChunkKey, ReviewSession, chunk_key

SEVERITY_STYLE = {Severity.critical: "bold red", Severity.high: "red", Severity.medium: "yellow",
                  Severity.low: "cyan"}
SEVERITY_LETTER = {Severity.critical: "C", Severity.high: "H", Severity.medium: "M", Severity.low: "L"}

NodeData = tuple[str, str] | ChunkKey  # ("file", path) or a chunk's key


def severity_counts(findings: list[Finding]) -> Text:
    """`1C 2H` with each count in its severity's colour; the letters carry the meaning without colour."""
    text = Text()
    for severity, count in ReviewSession.severity_counts(findings):
        text.append(f" {count}{SEVERITY_LETTER[severity]}", style=SEVERITY_STYLE[severity])
    return text


class FileTree(Tree[NodeData]):
    """Files, then their chunks; the skipped files last, with the reason."""

    def __init__(self, **kwargs) -> None:
        super().__init__("change", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._node_of: dict[NodeData, TreeNode[NodeData]] = {}
        self._shown: dict[NodeData, tuple] = {}  # what each label shows now

    def build(self, session: ReviewSession) -> None:
        self.clear()
        self._node_of.clear()
        self._shown.clear()
        for path in session.files():
            node = self.root.add(path, data=("file", path), expand=True)
            self._node_of[("file", path)] = node
            for chunk in session.chunks_of(path):
                self._node_of[chunk_key(chunk)] = node.add_leaf(chunk.symbol, data=chunk_key(chunk))
        if session.skipped:
            skipped = self.root.add(f"skipped ({len(session.skipped)})", data=("skipped", ""), expand=False)
            for entry in session.skipped:
                skipped.add_leaf(Text(f"{entry.path}: {entry.reason}", style="dim"), data=("skipped", entry.path))
        self.relabel(session)

    def relabel(self, session: ReviewSession) -> None:
        """Counts follow the filters, the triage and the model's answers; unchanged labels are left alone."""
        by_chunk = session.visible_by_chunk()
        by_file: dict[str, list[Finding]] = {}
        for finding in session.visible():
            by_file.setdefault(finding.file, []).append(finding)
        for data, node in self._node_of.items():
            findings = by_file.get(str(data[1]), []) if len(data) == 2 else by_chunk.get(data, [])  # type: ignore[call-overload]
            shown = (tuple(ReviewSession.severity_counts(findings)), data in session.pending)
            if self._shown.get(data) == shown:
                continue
            self._shown[data] = shown
            if len(data) == 2:
                label = Text(str(data[1]), style="bold")
            else:
                chunk = session.chunk_by_key(data)  # type: ignore[arg-type]
                label = Text(f"{chunk.symbol} {chunk.start}-{chunk.end}")
            label.append_text(severity_counts(findings))
            if shown[1]:
                label.append(" …", style="dim")
            node.set_label(label)

    def show_chunk(self, key: ChunkKey) -> None:
        """Put the cursor on a chunk's node (after the next refresh, when the tree knows its lines)."""
        node = self._node_of.get(key)
        if node is not None and self.cursor_node is not node:
            self.call_after_refresh(self.move_cursor, node)
