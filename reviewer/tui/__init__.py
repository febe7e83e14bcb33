"""The interactive terminal review (`reviewer tui`): the only package that imports textual."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reviewer.checklist import Checklist
from reviewer.diff import Selection
from reviewer.engine import ModelStep, ReviewOptions


def run_tui(selection: Selection, options: ReviewOptions, checklist: Checklist,
            model_step_factory: Callable[..., ModelStep] | None = None, root: Path | None = None, *,
            baseline_path: Path | None = None) -> int:
    """Review `selection` interactively. `model_step_factory()` returns the model step (None: checks only; a
    factory that accepts `use_cache=False` lets `r` skip the cache). Inline dismissals are written to the files
    under `root` (default: the selection's root); baseline entries to `baseline_path` (default:
    root/.reviewer-baseline.json), whose accepted findings are left out. Prints what was dismissed once the app
    has exited; returns 0."""
    from reviewer.tui.actions import summary
    from reviewer.tui.app import ReviewApp

    app = ReviewApp(selection, options, checklist, model_step_factory, root=Path(root or selection.root),
                    baseline_path=baseline_path)
    app.run()
    if app.session is not None:
        print(summary(list(app.session.dismissed.values()), len(app.session.accepted)))
    return app.return_code or 0
