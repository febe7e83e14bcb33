"""The layout at 80x24, guarded by SVG snapshots (`pytest tests/tui --snapshot-update` accepts a change)."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import FakeBackend, factory_for, go_to

# The apps come from the `make_app` fixture: fixed data, a frozen clock (0:00), animations off.


def test_layout_after_the_checks(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_layout_after_the_model_answered(snap_compare, make_app):
    async def run_before(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await go_to(pilot, pilot.app, "shop/payments.py", 19, "REL001")  # confirmed by the model: `both`

    assert snap_compare(make_app(factory_for(FakeBackend())), terminal_size=(80, 24), run_before=run_before)


def test_dismiss_dialog(snap_compare, make_app):
    async def run_before(pilot) -> None:
        await go_to(pilot, pilot.app, "shop/payments.py", 11, "SEC005")
        await pilot.press("d", *"demo key")
        pilot.app.screen.query_one(Input).cursor_blink = False

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
