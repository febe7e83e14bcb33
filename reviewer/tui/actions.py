"""The app's keys beyond moving around: filters, item and help views, and triage (accept, dismiss, edit)."""

from __future__ import annotations

import os
import shlex
import subprocess
from functools import partial

from textual.app import SuspendNotSupported
from textual.binding import Binding

from reviewer.checklist import ChecklistError
from reviewer.findings import FileKind, Finding
from reviewer.tui.screens import DismissRequest, DismissScreen, HelpScreen, ItemScreen
from reviewer.tui.session import (
    SEVERITY_STEPS,
    SOURCE_STEPS,
    Dismissal,
    finding_key,
    next_in_cycle,
)
from reviewer.tui.triage import (
    TriageError,
    add_to_baseline,
    target_path,
    write_inline_suppression,
)


class ViewActions:
    """A mixin of ReviewApp: the filters (`f`, `s`, `t`), the checklist item (`i`) and the keys (`?`)."""

    def action_cycle_severity(self) -> None:
        filters = self.session.filters
        filters.min_severity = next_in_cycle(SEVERITY_STEPS, filters.min_severity)
        self.filters_changed()

    def action_cycle_source(self) -> None:
        self.session.filters.source = next_in_cycle(SOURCE_STEPS, self.session.filters.source)
        self.filters_changed()

    def action_cycle_category(self) -> None:
        steps = (None, *self.session.categories())
        self.session.filters.category = next_in_cycle(steps, self.session.filters.category)
        self.filters_changed()

    def filters_changed(self) -> None:
        visible = self.session.visible()
        self.say(f"showing {self.session.filters.describe()}: {len(visible)} finding(s)")
        if visible and (self.current_chunk is None or not self.session.visible_in(self.current_chunk)):
            self.select(visible[0])  # the chunk on screen has nothing left to show
        else:
            self.refresh_views()

    def action_item(self) -> None:
        if self.current is None:
            self.say("no finding selected", "warning")
            return
        try:
            self.push_screen(ItemScreen(self.checklist.get(self.current.id)))
        except ChecklistError as error:
            self.say(str(error), "error")

    def action_help(self) -> None:
        keys = [(b.key_display or b.key, b.tooltip or b.description) for b in self.BINDINGS if isinstance(b, Binding)]
        self.push_screen(HelpScreen(keys))


class TriageActions:
    """A mixin of ReviewApp (it uses the app's session, root, selection and `say`)."""

    def setup_triage(self) -> None:
        # Lines inserted per file this session, as line numbers of the review: later findings moved down.
        self.inserted: dict[str, list[int]] = {}

    def line_now(self, finding: Finding) -> int:
        """The finding's line in the file as this session has written it."""
        return finding.line + sum(1 for line in self.inserted.get(finding.file, []) if line <= finding.line)

    def action_accept(self) -> None:
        if self.current is None:
            self.say("no finding selected", "warning")
            return
        accepted = self.session.toggle_accepted(self.current)
        self.say(f"{self.current.id} at {self.current.file}:{self.current.line} "
                 f"{'accepted' if accepted else 'no longer accepted'}")
        self.refresh_views()

    def action_dismiss_finding(self) -> None:
        if self.current is None:
            self.say("no finding selected", "warning")
            return
        self.push_screen(DismissScreen(self.current), partial(self.write_dismissal, self.current))

    def write_dismissal(self, finding: Finding, request: DismissRequest | None) -> None:
        if request is None:
            self.say("dismissal cancelled: nothing written")
            return
        visible = [finding_key(f) for f in self.session.visible()]
        try:
            if request.target == "inline":
                kind = self.session.kinds.get(finding.file, FileKind.other)
                written = write_inline_suppression(self.root, finding, request.reason, self.line_now(finding), kind)
                if written.inserted:
                    self.inserted.setdefault(finding.file, []).append(finding.line)
                path, detail = written.path, f"comment on line {written.line}"
            else:
                path, count = add_to_baseline(self.baseline_path, finding)
                detail = f"fingerprint {finding.fingerprint} count {count}"
        except TriageError as error:
            self.say(str(error), "error")
            return
        except OSError as error:
            self.say(f"cannot write for {finding.file}: {error.strerror or error}: nothing written", "error")
            return
        self.session.dismissed[finding_key(finding)] = Dismissal(
            finding=finding, reason=request.reason, target=request.target, path=str(path), detail=detail)
        self.say(f"{finding.id} dismissed: {detail} in {path}")
        # The next finding takes the dismissed one's place.
        index = visible.index(finding_key(finding)) if finding_key(finding) in visible else 0
        remaining = self.session.visible()
        if remaining:
            self.select(remaining[min(index, len(remaining) - 1)])
        else:
            self.current = None
            self.refresh_views()

    def action_edit(self) -> None:
        finding, chunk = self.current, self.current_chunk
        if finding is None and chunk is None:
            self.say("nothing selected to edit", "warning")
            return
        rel = finding.file if finding is not None else chunk.file
        line = self.line_now(finding) if finding is not None else chunk.start
        try:
            path = target_path(self.root, rel)
        except TriageError as error:
            self.say(str(error), "error")
            return
        if not path.is_file():
            self.say(f"{rel} is not on disk under {self.root}", "warning")
            return
        editor = shlex.split(os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi")
        try:
            with self.suspend():
                subprocess.run([*editor, f"+{line}", str(path)], check=False)
        except SuspendNotSupported:
            self.say("this terminal cannot be handed to an editor", "warning")
        except FileNotFoundError:
            self.say(f"editor {editor[0]} not found: set $EDITOR", "error")


def summary(dismissed: list[Dismissal], accepted: int) -> str:
    """What the session dismissed and where it was written, printed once the app has exited."""
    if not dismissed:
        return f"reviewer tui: nothing dismissed, {accepted} finding(s) accepted"
    lines = [f"reviewer tui: {len(dismissed)} finding(s) dismissed, {accepted} accepted"]
    for item in dismissed:
        f = item.finding
        where = "inline" if item.target == "inline" else "baseline"
        lines.append(f"  {f.id} {f.file}:{f.line} — {where}: {item.detail} in {item.path} (reason: {item.reason})")
    return "\n".join(lines)
