"""The review app driven with Pilot: navigation, filters, triage writes, model streaming and cancelling."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import stat
import sys
import threading

from tui_support import (
    MODEL_ANSWERS,
    PAYMENTS,
    FakeBackend,
    current,
    dismiss_with,
    factory_for,
    go_to,
    make_project,
    options_for_tests,
    wait_until,
)

from reviewer.checklist import load_checklist
from reviewer.diff import Selection
from reviewer.engine import review
from reviewer.findings import FileChange, FileKind, Source
from reviewer.tui.app import ReviewApp
from reviewer.tui.screens import DismissScreen, HelpScreen, ItemScreen
from reviewer.tui.widgets import CodeView, FindingsTable, StatusBar


def table_ids(app: ReviewApp) -> list[str]:
    return [f.id for f in app.query_one(FindingsTable).shown]


async def test_n_and_p_move_the_selected_finding_and_the_code_view_shows_its_file(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert current(app) == ("Dockerfile", 1, "CTR001")
        assert "FROM python:latest" in app.query_one(CodeView).text
        await pilot.press("n", "n")
        assert current(app) == ("shop/payments.py", 11, "SEC005")
        code = app.query_one(CodeView)
        assert code.border_title.startswith("shop/payments.py")
        assert 'API_KEY = "sk_live' in code.text and "FROM python" not in code.text
        await pilot.press("n")
        assert current(app) == ("shop/payments.py", 15, "SEC001")
        assert app.current_chunk.symbol == "charge_order"
        assert table_ids(app) == ["SEC001", "REL001", "REL003", "REL004"]
        await pilot.press("p", "p")
        assert current(app) == ("Dockerfile", 1, "CTR002")
        assert "FROM python:latest" in app.query_one(CodeView).text
        await pilot.press("p", "p")
        assert current(app) == ("shop/payments.py", 39, "ERR001")  # wraps around to the last


async def test_code_view_marks_changed_lines_and_the_selected_finding_line(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 15, "SEC001")
        lines = app.query_one(CodeView).text.splitlines()
        assert lines[1].startswith("15+>") and "db.execute(f\"SELECT" in lines[1]
        assert lines[5].startswith("19+!")  # another finding's line
        assert lines[0].startswith("14+ ")


async def test_severity_filter_hides_the_findings_below_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(app.session.visible()) == 9
        await pilot.press("f", "f")  # at least high
        assert {f.severity.value for f in app.session.visible()} == {"high", "critical"}
        assert app.current.file == "shop/payments.py"  # the Dockerfile's findings are medium: hidden
        await pilot.press("f")  # critical only
        assert [f.id for f in app.session.visible()] == ["SEC001"]
        assert table_ids(app) == ["SEC001"]
        assert "sev >=critical" in app.query_one(FindingsTable).border_title
        await pilot.press("f")  # all again
        assert len(app.session.visible()) == 9


async def test_category_filter_cycles_through_the_categories_found(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert {f.category for f in app.session.visible()} == {"containers"}
        await pilot.press("t")
        assert [f.id for f in app.session.visible()] == ["ERR001"]
        assert table_ids(app) == ["ERR001"] and app.current_chunk.symbol == "refund_order"


async def test_source_filter_shows_model_findings_after_the_stream(make_app):
    app = make_app(factory_for(FakeBackend()))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")  # check
        assert all(f.source is Source.check for f in app.session.visible())
        await pilot.press("s")  # model
        assert [(f.line, f.id) for f in app.session.visible()] == [(36, "REL001")]
        assert table_ids(app) == ["REL001"] and app.current_chunk.symbol == "refund_order"
        await pilot.press("s")  # both
        assert [(f.line, f.id) for f in app.session.visible()] == [(19, "REL001")]


async def test_dismiss_inline_writes_the_comment_above_the_finding_and_the_file_still_parses(make_app, project):
    app = make_app()
    target = project / "shop/payments.py"
    target.chmod(0o640)
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 19, "REL001")
        await dismiss_with(pilot, "the gateway client sets a timeout")
        lines = target.read_text().splitlines()
        assert lines[18] == "            # reviewer: ignore[REL001] the gateway client sets a timeout"
        assert lines[19] == "            response = requests.post("
        ast.parse(target.read_text())
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        assert ("shop/payments.py", 19, "REL001") not in [current(app)]
        assert any("REL001 dismissed" in note and str(target) in note for note in app.notes)
        # A second item on the same line joins the same comment: a new line would unhook the first.
        await go_to(pilot, app, "shop/payments.py", 19, "REL003")
        await dismiss_with(pilot, "accepted by the payments team")
        lines = target.read_text().splitlines()
        assert lines[18] == ("            # reviewer: ignore[REL001, REL003] the gateway client sets a timeout; "
                             "accepted by the payments team")
        assert lines[19] == "            response = requests.post("
        # A finding further down the file is found at its moved line.
        await go_to(pilot, app, "shop/payments.py", 39, "ERR001")
        await dismiss_with(pilot, "refunds are retried by the nightly job")
        lines = target.read_text().splitlines()
        assert lines[39] == "    # reviewer: ignore[ERR001] refunds are retried by the nightly job"
        assert lines[40] == "    except Exception:"
        ast.parse(target.read_text())
    # The engine reads the comments: the dismissed findings are suppressed in the next review.
    text = target.read_text()
    change = FileChange(path="shop/payments.py", status="added", kind=FileKind.python, text=text, whole_file=True)
    again = review(Selection(changes=[change], root=str(project), description="after"), options_for_tests())
    assert {f.id for f in again.findings if f.line in (20, 41)} == {"REL004"}
    assert again.coverage.suppressed == 3


async def test_dismiss_inline_keeps_windows_newlines(make_app, project):
    app = make_app()
    target = project / "shop/payments.py"
    target.write_bytes(PAYMENTS.replace("\n", "\r\n").encode())
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 11, "SEC005")
        await dismiss_with(pilot, "a test key")
    data = target.read_bytes()
    assert b'# reviewer: ignore[SEC005] a test key\r\nAPI_KEY = "sk_live' in data
    assert data.count(b"\n") == data.count(b"\r\n")


async def test_dismiss_baseline_writes_the_fingerprint_with_its_count(make_app, project):
    app = make_app()
    baseline = project / ".reviewer-baseline.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 11, "SEC005")
        fingerprint = app.current.fingerprint
        await dismiss_with(pilot, "rotated, kept for the demo", baseline=True)
        data = json.loads(baseline.read_text())
        assert data["entries"] == [{"fingerprint": fingerprint, "count": 1, "id": "SEC005",
                                    "file": "shop/payments.py", "message": app.session.dismissed[
                                        ("shop/payments.py", 11, "SEC005")].finding.message}]
        assert (project / "shop/payments.py").read_text() == PAYMENTS  # the code is left alone
        assert any(".reviewer-baseline.json" in note and "count 1" in note for note in app.notes)


async def test_dismiss_baseline_counts_a_fingerprint_already_there_once_more(make_app, project):
    app = make_app()
    baseline = project / ".reviewer-baseline.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 39, "ERR001")
        fingerprint = app.current.fingerprint
        baseline.write_text(json.dumps({"version": 1, "entries": [
            {"fingerprint": fingerprint, "count": 1, "id": "ERR001", "file": "shop/payments.py"}]}))
        await dismiss_with(pilot, "same pattern as last release", baseline=True)
    entries = json.loads(baseline.read_text())["entries"]
    assert [(e["fingerprint"], e["count"]) for e in entries] == [(fingerprint, 2)]


async def test_dismiss_refuses_when_the_file_changed_since_the_review(make_app, project):
    app = make_app()
    target = project / "shop/payments.py"
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 19, "REL001")
        edited = PAYMENTS.replace('"""Charge', '"""Edited in another window.\n\nCharge')
        target.write_text(edited)
        await dismiss_with(pilot, "not a problem")
        assert target.read_text() == edited
        assert any("changed since the review" in note and "nothing written" in note for note in app.notes)
        assert current(app) == ("shop/payments.py", 19, "REL001")  # still there, not dismissed
        assert not app.session.dismissed
    assert sorted(p.name for p in target.parent.iterdir()) == ["payments.py"]  # no temporary file left


async def test_dismiss_needs_a_reason_and_escape_writes_nothing(make_app, project):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 11, "SEC005")
        await pilot.press("d", "enter")
        assert isinstance(app.screen, DismissScreen)  # no reason: the modal stays
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DismissScreen)
        assert "dismissal cancelled: nothing written" in app.notes
    assert (project / "shop/payments.py").read_text() == PAYMENTS
    assert not (project / ".reviewer-baseline.json").exists()


async def test_accept_marks_the_finding_and_toggles(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert ("Dockerfile", 1, "CTR001") in app.session.accepted
        assert str(app.query_one(FindingsTable).get_row_at(0)[0]).strip() == "✓"
        await pilot.press("a")
        assert not app.session.accepted


async def test_checks_appear_at_once_and_model_answers_stream_in(make_app):
    gate = threading.Event()
    backend = FakeBackend(gate=gate)
    app = make_app(factory_for(backend))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(app.session.findings) == 9  # every check finding, before the model answers
        assert all(f.source is Source.check for f in app.session.findings)
        await asyncio.to_thread(backend.waiting.wait, 5)
        await pilot.pause()
        assert "left 3" in app.query_one(StatusBar).render().plain  # the first chunk is done
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        sources = {(f.line, f.id): f.source for f in app.session.findings if f.file == "shop/payments.py"}
        assert sources[(19, "REL001")] is Source.both
        assert sources[(36, "REL001")] is Source.model
        assert app.session.progress().asked == 4 and not app.session.pending
        status = app.query_one(StatusBar).render().plain
        assert "asked 4" in status and "left 0" in status and "done" in status


async def test_status_bar_says_loading_model_until_the_model_has_loaded(make_app):
    gate = threading.Event()
    backend = FakeBackend(gate=gate, free_calls=0)
    backend.loaded = False
    app = make_app(factory_for(backend))
    async with app.run_test(size=(80, 24)) as pilot:
        await asyncio.to_thread(backend.waiting.wait, 5)
        await pilot.pause()
        assert "loading model" in app.query_one(StatusBar).render().plain
        gate.set()
        await app.workers.wait_for_complete()


async def test_cancel_stops_the_model_between_chunks_and_keeps_what_is_done(make_app):
    gate = threading.Event()
    answers = dict(MODEL_ANSWERS, SEC005=[(11, "API_KEY is a live secret in the code")])
    backend = FakeBackend(answers, gate=gate)
    app = make_app(factory_for(backend))
    async with app.run_test(size=(80, 24)) as pilot:
        await asyncio.to_thread(backend.waiting.wait, 5)  # the second chunk's call is under way
        await pilot.press("x")
        gate.set()
        await wait_until(pilot, lambda: app.model_state == "cancelled")
        assert len(backend.calls) == 2
        sources = {(f.line, f.id): f.source for f in app.session.findings if f.file == "shop/payments.py"}
        assert sources[(11, "SEC005")] is Source.both  # the chunk under way when cancelled is kept
        assert sources[(19, "REL001")] is Source.check  # never asked
        assert (36, "REL001") not in sources
        assert len(app.session.pending) == 2
        assert "cancelled" in app.query_one(StatusBar).render().plain


async def test_reask_without_a_model_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert any("no model" in note for note in app.notes)
        assert "model off" in app.query_one(StatusBar).render().plain


async def test_reask_asks_the_selected_chunk_again_without_the_cache(make_app):
    backend = FakeBackend()
    uses: list[bool] = []

    def factory(use_cache: bool = True):
        uses.append(use_cache)
        return factory_for(backend)()

    app = make_app(factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await go_to(pilot, app, "shop/payments.py", 36, "REL001")
        calls = len(backend.calls)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert uses == [True, False]
        assert backend.calls[-1] == list(range(33, 41)) and len(backend.calls) == calls + 1
        assert any("asked again about refund_order" in note for note in app.notes)
        assert [(f.line, f.id, f.source) for f in app.session.findings if f.line == 36] == [
            (36, "REL001", Source.model), (36, "REL004", Source.check)]


async def test_the_status_timer_does_nothing_once_the_status_bar_is_gone(make_app):
    # The 1 s timer can fire during shutdown, after the widgets are removed: it must not crash the app.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await app.query_one(StatusBar).remove()
        await pilot.pause()
        app.refresh_status()
        assert not app.query(StatusBar)


async def test_question_mark_opens_the_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("d", app.BINDINGS[3].tooltip) in app.screen.keys
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_i_shows_the_checklist_item_and_the_checks_answering_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 19, "REL001")
        await pilot.press("i")
        assert isinstance(app.screen, ItemScreen)
        item = load_checklist().get("REL001")
        assert item.question in app.screen.markdown and item.grounding in app.screen.markdown
        assert "## Check NetworkCallWithoutTimeout" in app.screen.markdown
        assert "### What it does" in app.screen.markdown
        await pilot.press("escape")
        assert not isinstance(app.screen, ItemScreen)


async def test_e_opens_the_editor_at_the_finding_line(make_app, project, monkeypatch, tmp_path):
    record = tmp_path / "editor-args"
    editor = tmp_path / "fake-editor"
    editor.write_text(f'#!/bin/sh\necho "$@" > {record}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    app = make_app()
    app.suspend = contextlib.nullcontext  # a headless test has no terminal to hand over
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 15, "SEC001")
        await pilot.press("e")
    assert record.read_text().split() == ["+15", str(project / "shop/payments.py")]


async def test_no_color_keeps_every_mark_in_characters(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 15, "SEC001")
        assert "15+>" in app.query_one(CodeView).text


def test_run_tui_prints_what_was_dismissed_after_the_app_exits(project, monkeypatch, capsys):
    from reviewer.tui import run_tui

    async def drive(app: ReviewApp) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await go_to(pilot, app, "shop/payments.py", 11, "SEC005")
            await dismiss_with(pilot, "demo key", baseline=True)
            await pilot.press("q")

    monkeypatch.setattr(ReviewApp, "run", lambda self: asyncio.run(drive(self)))
    code = run_tui(make_project(project), options_for_tests(), load_checklist(), None, root=project)
    out = capsys.readouterr().out
    assert code == 0
    assert "reviewer tui: 1 finding(s) dismissed, 0 accepted" in out
    assert "SEC005 shop/payments.py:11 — baseline" in out and str(project / ".reviewer-baseline.json") in out
    assert sys.modules.get("textual") is not None


async def test_findings_the_baseline_accepts_are_left_out_at_start(make_app, project):
    first = make_app()
    async with first.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, first, "shop/payments.py", 11, "SEC005")
        await dismiss_with(pilot, "demo key", baseline=True)
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ("shop/payments.py", 11, "SEC005") not in [(f.file, f.line, f.id) for f in again.session.findings]
        assert any("1 finding(s) left out" in note for note in again.notes)


async def test_a_broken_baseline_is_reported_and_everything_shown(make_app, project):
    (project / ".reviewer-baseline.json").write_text("[]")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(app.session.findings) == 9
        assert any("not a reviewer baseline" in note for note in app.notes)


async def test_review_keys_sleep_while_a_dialog_is_open(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, app, "shop/payments.py", 11, "SEC005")
        await pilot.press("d", "tab")  # focus on the radio buttons: letters are not typed anywhere
        await pilot.press("n", "a", "f")
        assert current(app) == ("shop/payments.py", 11, "SEC005")
        assert not app.session.accepted and app.session.filters.min_severity is None
        await pilot.press("escape")
        await pilot.press("n")
        assert current(app) == ("shop/payments.py", 15, "SEC001")


async def test_a_model_that_cannot_start_is_reported_and_the_checks_stay(make_app):
    def factory():
        raise RuntimeError("model file missing")

    app = make_app(factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "the model stopped: model file missing" in app.notes
        assert "model failed" in app.query_one(StatusBar).render().plain
        assert len(app.session.findings) == 9


async def test_the_model_finding_a_baselined_finding_again_does_not_bring_it_back(make_app, project):
    first = make_app()
    async with first.run_test(size=(80, 24)) as pilot:
        await go_to(pilot, first, "shop/payments.py", 19, "REL001")
        await dismiss_with(pilot, "the session sets a timeout", baseline=True)
    again = make_app(factory_for(FakeBackend()))  # the fake model says REL001 on line 19
    async with again.run_test(size=(80, 24)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        keys = [(f.line, f.id) for f in again.session.findings]
        assert (19, "REL001") not in keys and (36, "REL001") in keys
