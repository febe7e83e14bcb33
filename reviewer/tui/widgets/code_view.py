"""The selected chunk's code: syntax highlighted, changed lines marked `+`, finding lines `!`, the selected `>`."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.widgets import Static

from reviewer.findings import Chunk, FileKind

LEXERS = {FileKind.python: "python", FileKind.dockerfile: "docker", FileKind.requirements: "text",
          FileKind.kubernetes: "yaml", FileKind.compose: "yaml", FileKind.yaml: "yaml"}
FINDING_LINE = "on #3a2a00"
SELECTED_LINE = "on #5f0000"


def render_chunk(chunk: Chunk, finding_lines: set[int], selected: int | None) -> Text:
    """A gutter (number, changed mark, finding mark) then the highlighted code, line by line."""
    lexer = LEXERS.get(chunk.language) or Syntax.guess_lexer(chunk.file, chunk.text)
    highlighted = Syntax(chunk.text, lexer, theme="ansi_dark").highlight(chunk.text)
    changed = set(chunk.changed_lines)
    width = len(str(chunk.end))
    out = Text(no_wrap=True, end="")
    for offset, code in enumerate(highlighted.split("\n", allow_blank=True)):
        number = chunk.start + offset
        if number > chunk.end:
            break
        finding_mark = ">" if number == selected else "!" if number in finding_lines else " "
        out.append(f"{number:>{width}}", style="dim")
        out.append("+" if number in changed else " ", style="green")
        out.append(finding_mark + " ", style="bold")
        line = code.copy()
        if number == selected:
            line.stylize(SELECTED_LINE)
        elif number in finding_lines:
            line.stylize(FINDING_LINE)
        out.append_text(line)
        out.append("\n")
    out.rstrip()
    return out


class CodeView(ScrollableContainer):
    """Scrolls the code both ways; the selected finding's line is kept in view."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown = Text()

    def compose(self) -> ComposeResult:
        yield Static(id="code-text")

    def _show(self, text: Text) -> None:
        self.shown = text
        self.query_one("#code-text", Static).update(text)

    def show_chunk(self, chunk: Chunk, finding_lines: set[int], selected: int | None) -> None:
        self.border_title = f"{chunk.file} · {chunk.symbol}"
        self._show(render_chunk(chunk, finding_lines, selected))
        line = (selected or chunk.start) - chunk.start
        # A few lines of context above the selected line.
        self.call_after_refresh(self.scroll_to, 0, max(0, line - 3), animate=False)

    def show_note(self, title: str, note: str) -> None:
        self.border_title = title
        self._show(Text(note, style="dim"))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What the code view shows, as plain text (for tests and screen readers)."""
        return self.shown.plain
