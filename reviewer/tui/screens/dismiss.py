"""Ask why a finding is dismissed and where to record it: an inline comment or the baseline file."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from reviewer.findings import Finding


class DismissRequest(BaseModel):
    reason: str
    target: Literal["inline", "baseline"]


class DismissScreen(ModalScreen[DismissRequest | None]):
    """Reason first (enter confirms), then the target; escape cancels without writing anything."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#reason"

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with Vertical(id="dismiss-box") as box:
            box.border_title = f"Dismiss {self.finding.id} at {self.finding.file}:{self.finding.line}"
            yield Label("Why is this not a problem?")
            yield Input(placeholder="reason (required)", id="reason")
            with RadioSet(id="target"):
                yield RadioButton("inline comment: # reviewer: ignore[...]", value=True, id="inline")
                yield RadioButton("baseline entry: .reviewer-baseline.json", id="baseline")
            with Horizontal(id="dismiss-buttons"):
                yield Button("Dismiss", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.confirm()
        else:
            self.dismiss(None)

    def confirm(self) -> None:
        reason = " ".join(self.query_one("#reason", Input).value.split())
        if not reason:
            self.notify("a dismissal needs a reason", severity="warning")
            self.query_one("#reason", Input).focus()
            return
        pressed = self.query_one("#target", RadioSet).pressed_button
        target = "baseline" if pressed is not None and pressed.id == "baseline" else "inline"
        self.dismiss(DismissRequest(reason=reason, target=target))

    def action_cancel(self) -> None:
        self.dismiss(None)
