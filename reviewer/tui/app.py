"""The review app: lays out the widgets, binds the keys and keeps the selection; the work lives elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Tree

from reviewer.checklist import Checklist
from reviewer.diff import Selection
from reviewer.engine import ModelStep, ReviewOptions
from reviewer.findings import Chunk, Finding
from reviewer.tui.actions import TriageActions, ViewActions
from reviewer.tui.session import ReviewSession, check_selection, chunk_key, finding_key
from reviewer.tui.streaming import ModelWork
from reviewer.tui.triage import BASELINE_FILE
from reviewer.tui.widgets import (
    CodeView,
    FileTree,
    FindingDetail,
    FindingsTable,
    StatusBar,
)


class ReviewApp(ModelWork, TriageActions, ViewActions, App[int]):
    """Files and chunks on the left; the chunk's code, its findings and the selected one's detail on the right."""

    CSS_PATH = "app.tcss"
    TITLE = "reviewer"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step_finding(1)", "Next", tooltip="next finding (in every file)"),
        Binding("p", "step_finding(-1)", "Prev", tooltip="previous finding"),
        Binding("a", "accept", "Accept", tooltip="mark the finding accepted (again: unmark)"),
        Binding("d", "dismiss_finding", "Dismiss",
                tooltip="dismiss with a reason: inline `# reviewer: ignore[ID]` comment or baseline entry"),
        Binding("i", "item", "Item", tooltip="the checklist item behind the finding and the checks answering it"),
        Binding("e", "edit", "Edit", show=False, tooltip="open $EDITOR (or $VISUAL, or vi) at the finding's line"),
        Binding("r", "reask", "Ask again", show=False, tooltip="ask the model again about the selected chunk"),
        Binding("x", "cancel_model", "Stop model", show=False, tooltip="stop asking the model; answers so far stay"),
        Binding("f", "cycle_severity", "Severity", show=False, tooltip="minimum severity: all, medium, high, critical"),
        Binding("s", "cycle_source", "Source", show=False, tooltip="source: all, check, model, both"),
        Binding("t", "cycle_category", "Category", show=False, tooltip="category: all, then each one found"),
        Binding("question_mark", "help", "Keys", key_display="?", tooltip="this list of keys"),
        Binding("q", "quit", "Quit", tooltip="quit and print what was dismissed"),
    ]

    def __init__(self, selection: Selection, options: ReviewOptions, checklist: Checklist,
                 model_step_factory: Callable[..., ModelStep] | None = None, *, root: Path,
                 baseline_path: Path | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.selection, self.options, self.checklist = selection, options, checklist
        self.root = Path(root)
        self.baseline_path = Path(baseline_path) if baseline_path else self.root / BASELINE_FILE
        self.factory = model_step_factory
        self.clock = clock
        self.started = clock()
        self.finished: float | None = None
        self.session: ReviewSession | None = None
        self.current_chunk: Chunk | None = None
        self.current: Finding | None = None
        self.notes: list[str] = []  # every notification, in order (what a test or a bug report reads)
        self.setup_model_work()
        self.setup_triage()

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield FileTree(id="files")
            with Vertical(id="right"):
                yield CodeView(id="code")
                yield FindingsTable(id="findings")
                yield FindingDetail(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        # The checks are fast: their findings are on screen before the model is asked anything.
        checked = check_selection(self.selection, self.options, self.checklist, self.baseline_path)
        self.session = ReviewSession(self.selection, checked.report, checked.chunks, self.checklist, checked.baselined)
        if checked.baseline_note:
            self.say(checked.baseline_note, "error" if checked.baseline_failed else "information")
        self.query_one(FileTree).build(self.session)
        visible = self.session.visible()
        if visible:
            self.select(visible[0])
        elif self.session.chunks:
            self.select_chunk(self.session.chunks[0])
        else:
            self.refresh_views()
        self.query_one(FindingsTable).focus()
        self.set_interval(1.0, self.refresh_status)
        self.start_model()

    # --- selection ----------------------------------------------------------------------------
    def select(self, finding: Finding) -> None:
        self.current = finding
        self.current_chunk = self.session.chunk_for(finding)
        if self.current_chunk is not None:
            self.query_one(FileTree).show_chunk(chunk_key(self.current_chunk))
        self.refresh_views()

    def select_chunk(self, chunk: Chunk) -> None:
        self.current_chunk = chunk
        rows = self.session.visible_in(chunk)
        self.current = rows[0] if rows else None
        self.refresh_views()

    def refresh_views(self, table: bool = True) -> None:
        """Show the current chunk and finding; a finding hidden by a filter or triage gives way to the next."""
        session, chunk = self.session, self.current_chunk
        rows = session.visible_in(chunk) if chunk is not None else [f for f in [self.current] if f]
        keys = {finding_key(f): f for f in rows}
        self.current = keys.get(finding_key(self.current)) if self.current else None
        if self.current is None and rows:
            self.current = rows[0]
        selected = self.current.line if self.current else None
        code = self.query_one(CodeView)
        if chunk is not None:
            code.show_chunk(chunk, {f.line for f in rows}, selected)
        elif self.current is not None:
            code.show_note(f"{self.current.file}:{self.current.line}", self.current.evidence)
        else:
            code.show_note("nothing to show", "no chunk to review in this change")
        findings = self.query_one(FindingsTable)
        if table:
            findings.show(rows, session, finding_key(self.current) if self.current else None)
        findings.border_title = f"findings ({len(rows)}) · {session.filters.describe()}"
        self.query_one(FindingDetail).show(self.current, self.current is not None and
                                           finding_key(self.current) in session.accepted)
        self.query_one(FileTree).relabel(session)
        self.refresh_status()

    def refresh_status(self) -> None:
        # The 1 s timer can fire while the app shuts down, after the status bar is gone.
        bars = self.query(StatusBar)
        if self.session is not None and bars:
            elapsed = (self.finished if self.finished is not None else self.clock()) - self.started
            bars.first().show(self.session.progress(), elapsed, self.model_state_text())

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        data = event.node.data
        if self.session is None or data is None:
            return
        if len(data) == 3:
            chunk = self.session.chunk_by_key(data)
        else:
            chunk = next(iter(self.session.chunks_of(str(data[1]))), None)
        if chunk is not None and (self.current_chunk is None or chunk_key(chunk) != chunk_key(self.current_chunk)):
            self.select_chunk(chunk)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The cursor as it is now, not as the event saw it: a rebuilt table posts stale rows.
        table = event.data_table
        finding = table.finding_at_cursor() if isinstance(table, FindingsTable) and table.is_mounted else None
        if finding is not None and (self.current is None or finding_key(finding) != finding_key(self.current)):
            self.current = finding
            self.refresh_views(table=False)

    def say(self, message: str, severity: str = "information") -> None:
        self.notes.append(message)
        self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    # --- keys that only look ------------------------------------------------------------------
    def action_step_finding(self, delta: int) -> None:
        visible = self.session.visible()
        if not visible:
            self.say("no findings match the filters", "warning")
            return
        keys = [finding_key(f) for f in visible]
        here = keys.index(finding_key(self.current)) if self.current and finding_key(self.current) in keys else -1
        index = (here + delta) % len(visible) if here >= 0 else (0 if delta > 0 else len(visible) - 1)
        self.select(visible[index])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Behind a dialog the review's own keys sleep: an `n` typed there must not move the review.
        return not (isinstance(self.screen, ModalScreen) and action in REVIEW_ACTIONS)

    async def action_quit(self) -> None:
        self.stop_model_work()
        self.exit(0)


REVIEW_ACTIONS = frozenset(binding.action.partition("(")[0] for binding in ReviewApp.BINDINGS
                           if isinstance(binding, Binding))
