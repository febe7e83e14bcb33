"""One line of progress: chunks checked, asked, cached, remaining, elapsed time and the model's state."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reviewer.tui.session import Progress


def status_line(progress: Progress, elapsed: float | None, model_state: str) -> str:
    """`checked 3 · asked 1 · cached 0 · left 2 · 0:04 · loading model`."""
    parts = [f"checked {progress.chunks}"]
    if model_state != "model off":
        parts += [f"asked {progress.asked}", f"cached {progress.cached}", f"left {progress.remaining}"]
        if progress.failed:
            parts.append(f"failed {progress.failed}")
    if elapsed is not None:
        minutes, seconds = divmod(int(elapsed), 60)
        parts.append(f"{minutes}:{seconds:02d}")
    parts.append(model_state)
    return " · ".join(parts)


class StatusBar(Static):
    """Shows `status_line`; the app refreshes it on each answer and once a second."""

    def show(self, progress: Progress, elapsed: float | None, model_state: str) -> None:
        self.update(Text(status_line(progress, elapsed, model_state)))
