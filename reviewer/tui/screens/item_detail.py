"""The checklist item behind a finding: question, rationale, grounding quote, and the docs of its checks."""

from __future__ import annotations

import inspect
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reviewer.checklist import ChecklistItem
from reviewer.checks import all_checks


def item_markdown(item: ChecklistItem) -> str:
    """The item as Markdown, then each check answering it with its docstring (its `reviewer explain` docs)."""
    parts = [f"# {item.id} · {item.category} · {item.severity.value}", f"**{item.question}**",
             f"**Why:** {item.rationale}", f"> {item.grounding}"]
    if item.not_a_problem:
        parts.append(f"**Not a problem:** {item.not_a_problem}")
    checks = [check for check in all_checks() if check.id == item.id]
    if not checks:
        parts.append("*No deterministic check answers this item: only the model is asked about it.*")
    for check in checks:
        docs = inspect.cleandoc(check.__doc__ or "")
        summary, _, body = docs.partition("\n")
        # The check's own `##` sections sit one level below its name.
        body = "\n".join("#" + line if line.startswith("#") else line for line in body.splitlines())
        parts += [f"## Check {check.__name__}", summary, body]
    return "\n\n".join(part.strip() for part in parts if part.strip())


class ItemScreen(ModalScreen[None]):
    """Scrollable; escape, i or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,i,q", "close", "Close")]

    def __init__(self, item: ChecklistItem) -> None:
        super().__init__()
        self.item = item
        self.markdown = item_markdown(item)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="item-box") as box:
            box.border_title = f"{self.item.id} (escape closes)"
            yield Markdown(self.markdown)

    def action_close(self) -> None:
        self.dismiss(None)
