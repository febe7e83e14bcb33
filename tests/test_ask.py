"""Routing, verification, merging, the cache and the budget, with a fake backend in place of the model."""

from __future__ import annotations

import json

import pytest

from reviewer.ask import AskSettings, build_prompt, make_model_step
from reviewer.cache import ResultCache, cache_key
from reviewer.checklist import load_checklist
from reviewer.engine import review
from reviewer.findings import Chunk, ChunkCoverage, FileChange, FileKind, Source, Stats
from reviewer.llm import BackendError, Completion
from reviewer.routing import route
from reviewer.diff import Selection

CODE = '''import requests


def sync_orders(api, db):
    orders = requests.get(api).json()
    for order in orders:
        db.execute("INSERT INTO orders VALUES (?)", (order["id"],))
    return len(orders)
'''


def make_chunk(text: str = CODE, start: int = 1) -> Chunk:
    end = start + len(text.splitlines()) - 1
    return Chunk(file="svc.py", kind="module", symbol="<module>", start=start, end=end,
                 changed_lines=list(range(start, end + 1)), text=text, language=FileKind.python,
                 content_hash=Chunk.hash_of("svc.py", start, text))


class FakeBackend:
    """Answers every asked item with a fixed verdict and line, counting its calls."""

    name = "fake"
    model_sha256 = "f" * 64
    concurrency = 1
    loaded = True

    def __init__(self, answers: dict | None = None, text: str | None = None, fail: bool = False):
        self.answers = answers or {}
        self.text = text
        self.fail = fail
        self.calls = 0

    def complete(self, system, user, schema, max_tokens, seed):
        self.calls += 1
        if self.fail:
            raise BackendError("model crashed")
        if self.text is not None:
            return Completion(text=self.text, prompt_tokens=100, completion_tokens=10, seconds=0.01)
        answer = {}
        for item_id in schema["properties"]:
            verdict, line, why = self.answers.get(item_id, ("ok", None, ""))
            answer[item_id] = ({"verdict": verdict} if verdict != "problem" else
                               {"verdict": verdict, "line": line, "why": why, "confidence": "high"})
        return Completion(text=json.dumps(answer), prompt_tokens=100, completion_tokens=20, seconds=0.01)


def selection_for(text: str = CODE) -> Selection:
    change = FileChange(path="svc.py", status="scanned", kind=FileKind.python, text=text, whole_file=True)
    return Selection(changes=[change], skipped=[], root=".", description="test")


def settings(**overrides) -> AskSettings:
    # Most tests here ask about REL001, which a check answers: by default such items are not asked.
    overrides.setdefault("model_extends_checks", True)
    return AskSettings(model_name="fake", model_sha256="f" * 64, **overrides)


def run_review(backend: FakeBackend, cache: ResultCache | None = None, **kw):
    from reviewer.engine import ReviewOptions

    step = make_model_step(settings(**kw), lambda: backend, cache)
    return review(selection_for(), ReviewOptions(use_model=True), model_step=step)


def test_routing_asks_items_with_findings_first_and_records_why():
    checklist = load_checklist()
    report = review(selection_for())
    routed = route(make_chunk(), checklist, report.findings)
    assert routed[0].id == "REL001"
    assert routed[0].why.startswith("check ")
    assert len(routed) <= 5
    assert all(r.why for r in routed)


def test_routing_never_asks_items_for_other_file_kinds():
    checklist = load_checklist()
    chunk = make_chunk().model_copy(update={"text": "FROM python:latest\nUSER root\n", "language": FileKind.dockerfile})
    for routed in route(chunk, checklist):
        assert "dockerfile" in checklist.get(routed.id).applies_to


def _asked_with(**overrides):
    """Review CODE plus a logging line (signals for OBS003, an item no check answers) and record each prompt."""
    backend = FakeBackend({"OBS003": ("problem", 11, "logger.info of orders synced carries no request id")})
    asked_prompts = []
    complete = backend.complete

    def spy(system, user, schema, max_tokens, seed):
        asked_prompts.append((user, set(schema["properties"])))
        return complete(system, user, schema, max_tokens, seed)

    backend.complete = spy
    code = CODE.replace("import requests\n", "import logging\nimport requests\n\nlogger = logging.getLogger(__name__)\n")
    code = code.replace("    return len(orders)", "    logger.info(\"orders synced\", extra={\"count\": len(orders)})\n    return len(orders)")
    step = make_model_step(settings(**overrides), lambda: backend, None)
    from reviewer.engine import ReviewOptions

    report = review(selection_for(code), ReviewOptions(use_model=True), model_step=step)
    return asked_prompts, report


def test_by_default_the_model_is_asked_only_about_the_checks_findings():
    asked_prompts, report = _asked_with(model_extends_checks=False)
    assert [items for _, items in asked_prompts] == [{"REL001"}]
    assert not any(f.source is Source.model for f in report.findings)
    module = next(c for c in report.coverage.chunks if c.symbol == "<module>")
    assert module.model == "not_asked"


def test_with_its_own_findings_the_model_is_asked_what_no_check_answers_and_gets_the_facts():
    from reviewer.ask import _checked_ids

    asked_prompts, report = _asked_with(model_extends_checks=False, model_own_findings=True)
    assert asked_prompts
    assert all(items and not (items & _checked_ids()) for _, items in asked_prompts)
    with_call = [user for user, _ in asked_prompts if "requests.get(api)" in user]
    assert with_call and all("[REL001]" in user for user in with_call)  # the check's finding is given as a fact
    assert any(f.id == "OBS003" and f.source is Source.model for f in report.findings)


def test_model_confirmation_marks_the_check_finding_both():
    backend = FakeBackend({"REL001": ("problem", 5, "requests.get to the api has no timeout and can hang")})
    report = run_review(backend)
    rel = [f for f in report.findings if f.id == "REL001"]
    assert len(rel) == 1 and rel[0].source is Source.both
    assert rel[0].explanation == "requests.get to the api has no timeout and can hang"
    assert rel[0].message != rel[0].explanation  # the check's message stays


def test_the_models_explanation_of_a_confirmed_finding_is_in_every_report_format():
    import io

    from reviewer.report import to_markdown, to_sarif, to_text

    backend = FakeBackend({"REL001": ("problem", 5, "requests.get to the api has no timeout and can hang")})
    report = run_review(backend)
    text = io.StringIO()
    to_text(report, text)
    assert "model: requests.get to the api has no timeout and can hang" in text.getvalue()
    assert "(model: requests.get to the api has no timeout and can hang)" in to_markdown(report)
    results = to_sarif(report, load_checklist())["runs"][0]["results"]
    assert any(r["properties"].get("explanation") == "requests.get to the api has no timeout and can hang" for r in results)


def test_model_cannot_remove_a_deterministic_finding():
    backend = FakeBackend({"REL001": ("ok", 5, "ignore this, it is fine")})
    report = run_review(backend)
    assert any(f.id == "REL001" and f.source is Source.check for f in report.findings)


def test_answer_the_code_cannot_back_is_dropped_and_counted():
    backend = FakeBackend({"REL001": ("problem", 4, "sync_orders can hang forever")})
    report = run_review(backend)
    assert not any(f.id == "REL001" and f.line == 4 for f in report.findings)
    assert report.stats.dropped_answers >= 1


def test_answer_on_a_blank_or_comment_line_is_dropped():
    from reviewer.verify import drop_reason

    chunk = make_chunk("def f(url):\n\n    # requests timeout\n    return requests.get(url)\n")
    item = load_checklist().get("REL001")
    assert drop_reason(item, 2, "requests.get has no timeout", chunk) == "blank or comment line"
    assert drop_reason(item, 3, "requests.get has no timeout", chunk) == "blank or comment line"
    assert drop_reason(item, 9, "requests.get has no timeout", chunk) == "line outside the chunk"


def test_answer_whose_explanation_names_nothing_on_the_line_is_dropped():
    checklist = load_checklist()
    from reviewer.verify import drop_reason

    item = checklist.get("REL001")
    assert drop_reason(item, 5, "this could fail in production under load", make_chunk()) is not None
    assert drop_reason(item, 5, "requests.get has no timeout", make_chunk()) is None


def test_a_problem_answer_outside_the_chunk_fails_validation():
    report = run_review(FakeBackend(text='{"REL001": {"verdict": "problem", "line": 999, "why": "x", "confidence": "low"}}'))
    assert report.stats.invalid_answers >= 1


def test_invalid_answer_is_counted_not_repaired():
    report = run_review(FakeBackend(text='{"REL001": {"verdict": "maybe"'))
    assert report.stats.invalid_answers >= 1
    assert any(c.model == "failed" for c in report.coverage.chunks)
    assert any(f.id == "REL001" for f in report.findings)  # the checks' findings survive


def test_an_invalid_answer_is_cached_so_a_second_review_does_not_load_the_model(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    first = FakeBackend(text='{"REL001": {"verdict": "maybe"')
    run_review(first, cache)
    assert first.calls >= 1
    created = []
    step = make_model_step(settings(), lambda: created.append(1) or FakeBackend(), cache)
    from reviewer.engine import ReviewOptions

    report = review(selection_for(), ReviewOptions(use_model=True), model_step=step)
    assert created == []
    assert report.stats.invalid_answers >= 1 and report.stats.cache_hits >= 1
    assert any(c.model == "failed" and "from the cache" in c.reason for c in report.coverage.chunks)


def test_backend_failure_keeps_deterministic_findings_and_says_so():
    report = run_review(FakeBackend(fail=True))
    assert any(f.id == "REL001" for f in report.findings)
    assert "model unavailable" in report.coverage.model_status


def test_second_review_hits_the_cache_without_creating_the_backend(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    first = FakeBackend({"REL001": ("problem", 5, "requests.get has no timeout")})
    run_review(first, cache)
    assert first.calls >= 1
    created = []

    def factory():
        created.append(1)
        return FakeBackend()

    step = make_model_step(settings(), factory, cache)
    from reviewer.engine import ReviewOptions

    report = review(selection_for(), ReviewOptions(use_model=True), model_step=step)
    assert created == []
    assert report.stats.cache_hits >= 1
    assert all(c.model in ("cached", "not_asked") for c in report.coverage.chunks)


def test_budget_stops_asking_and_reports_why():
    report = run_review(FakeBackend(), budget_seconds=0.0)
    reasons = [c.reason for c in report.coverage.chunks if c.asked]
    assert reasons and all("budget" in r for r in reasons)


def test_cache_key_changes_with_model_prompt_schema_and_params():
    base = cache_key("a" * 64, "prompt", {"s": 1}, {"t": 0})
    assert base == cache_key("a" * 64, "prompt", {"s": 1}, {"t": 0})
    assert base != cache_key("b" * 64, "prompt", {"s": 1}, {"t": 0})
    assert base != cache_key("a" * 64, "prompt2", {"s": 1}, {"t": 0})
    assert base != cache_key("a" * 64, "prompt", {"s": 2}, {"t": 0})
    assert base != cache_key("a" * 64, "prompt", {"s": 1}, {"t": 1})


def test_cache_refuses_to_store_or_load_pickles(tmp_path):
    import diskcache

    cache = ResultCache(tmp_path / "c")
    with pytest.raises(TypeError):
        cache._cache.set("k", {"a": 1})
    plain = diskcache.Cache(str(tmp_path / "c"))  # an attacker writing a pickle into the folder
    plain.set("evil", {"a": 1})
    plain.close()
    assert cache.get("evil") is None


def test_cache_folder_is_private(tmp_path):
    ResultCache(tmp_path / "private")
    assert (tmp_path / "private").stat().st_mode & 0o777 == 0o700


def test_unwritable_cache_is_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ResultCache(blocker / "cache")
    assert cache.error is not None
    assert cache.get("k") is None
    cache.set("k", {"a": 1})


def test_prompt_schema_limits_line_to_the_chunk():
    prompt = build_prompt(make_chunk(start=10), ["REL001"], [], load_checklist(), settings())
    lines = prompt.schema_["$defs"]["Problem"]["properties"]["line"]["enum"]
    assert lines[0] == 10 and lines[-1] == 10 + len(CODE.splitlines()) - 1


def _check_finding(line: int, message: str):
    from reviewer.findings import Confidence, Finding, Severity

    return Finding(id="REL001", rule="NetworkCallWithoutTimeout", file="svc.py", line=line, end_line=line,
                   severity=Severity.high, confidence=Confidence.high, category="reliability", message=message,
                   evidence="", source=Source.check, fingerprint="x")


def test_a_long_chunk_is_shown_around_the_checks_findings_when_the_model_only_confirms():
    body = "".join(f"    step_{i} = compute({i})\n" for i in range(40))
    text = "def handler(url):\n" + body + "    return requests.get(url)\n"
    chunk = make_chunk(text, start=1)
    fact = _check_finding(42, "`requests.get` has no timeout: if the other side stops answering, it blocks forever.")
    prompt = build_prompt(chunk, ["REL001"], [fact], load_checklist(), settings(model_extends_checks=False))
    lines = prompt.schema_["$defs"]["Problem"]["properties"]["line"]["enum"]
    assert lines == [1, 2, 39, 40, 41, 42]
    assert "  ..." in prompt.user and "step_20" not in prompt.user and "requests.get(url)" in prompt.user
    # the fact is stated without its advice
    assert "`requests.get` has no timeout\n" in prompt.user and "blocks forever" not in prompt.user
    # asked to find problems of its own, the model sees the whole function
    whole = build_prompt(chunk, ["REL001"], [fact], load_checklist(), settings(model_extends_checks=True))
    assert "step_20" in whole.user and "blocks forever" in whole.user


def test_a_server_backend_is_asked_several_chunks_at_a_time():
    import threading
    import time as _time

    class SlowServer(FakeBackend):
        concurrency = 3

        def __init__(self):
            super().__init__()
            self.active = 0
            self.peak = 0
            self.lock = threading.Lock()

        def complete(self, *args):
            with self.lock:
                self.active += 1
                self.peak = max(self.peak, self.active)
            _time.sleep(0.2)
            with self.lock:
                self.active -= 1
            return super().complete(*args)

    text = "\n\n".join(f"import requests\n\ndef f{i}(u):\n    return requests.get(u)\n" for i in range(4))
    change = FileChange(path="svc.py", status="scanned", kind=FileKind.python, text=text, whole_file=True)
    backend = SlowServer()
    from reviewer.engine import ReviewOptions

    step = make_model_step(settings(), lambda: backend, None)
    review(Selection(changes=[change], skipped=[], root=".", description="t"), ReviewOptions(use_model=True),
           model_step=step)
    assert backend.calls >= 3
    assert backend.peak > 1


def test_model_does_not_overrule_a_checks_silence_on_a_checked_item():
    from reviewer.ask import _apply

    chunk = make_chunk("def f(u):\n    return requests.get(u, timeout=5)\n")
    cov = ChunkCoverage(file="svc.py", symbol="f", start=1, end=2, kind="function")
    stats = Stats()
    answer = {"REL001": {"verdict": "problem", "line": 2, "why": "requests.get timeout is too long", "confidence": "high"}}
    assert _apply(answer, chunk, load_checklist(), [], cov, stats) == []
    assert stats.dropped_answers == 1


def test_model_adds_a_finding_for_an_item_no_check_answers():
    from reviewer.ask import _apply

    chunk = make_chunk("def cancel(appointment_id):\n    mark_cancelled(appointment_id)\n"
                       "    logger.info('appointment cancelled')\n")
    cov = ChunkCoverage(file="svc.py", symbol="cancel", start=1, end=3, kind="function")
    answer = {"OBS003": {"verdict": "problem", "line": 3, "why": "the logger line omits the appointment id",
                         "confidence": "high"}}
    found = _apply(answer, chunk, load_checklist(), [], cov, Stats())
    assert [(f.id, f.line, f.source, f.confidence.value) for f in found] == [("OBS003", 3, Source.model, "medium")]


def test_a_team_can_let_a_stronger_model_extend_checked_items():
    from reviewer.ask import _apply

    chunk = make_chunk("def f(u):\n    return requests.get(u, timeout=5)\n")
    cov = ChunkCoverage(file="svc.py", symbol="f", start=1, end=2, kind="function")
    answer = {"REL001": {"verdict": "problem", "line": 2, "why": "requests.get timeout is too long", "confidence": "high"}}
    found = _apply(answer, chunk, load_checklist(), [], cov, Stats(), model_extends_checks=True)
    assert [(f.id, f.source) for f in found] == [("REL001", Source.model)]


def test_chunks_are_asked_in_prompt_order_so_shared_prefixes_follow_each_other():
    text = '''import requests


def load_profile(user_id):
    try:
        return requests.get(f"https://api.example.com/users/{user_id}").json()
    except Exception:
        pass


def ping():
    return requests.get("https://status.example.com/ping")


def read_settings(path):
    try:
        return open(path).read()
    except Exception:
        pass
'''
    users: list[str] = []

    class RecordingBackend(FakeBackend):
        def complete(self, system, user, schema, max_tokens, seed):
            users.append(user)
            return super().complete(system, user, schema, max_tokens, seed)

    from reviewer.engine import ReviewOptions

    step = make_model_step(settings(), lambda: RecordingBackend(), None)
    report = review(selection_for(text), ReviewOptions(use_model=True), model_step=step)
    assert len(users) >= 2
    assert users == sorted(users)
    starts = [c.start for c in report.coverage.chunks]
    assert starts == sorted(starts)  # the report keeps the file's order


def test_shared_prefix_counts_the_leading_tokens_already_evaluated():
    from reviewer.llm import _shared_prefix

    assert _shared_prefix([1, 2, 3, 9, 9], [1, 2, 3, 4]) == 3
    assert _shared_prefix([], [1, 2]) == 0
    assert _shared_prefix([1, 2, 3], [1, 2]) == 2


def test_ctrl_c_lands_while_a_model_call_is_still_running():
    """A llama.cpp call is one C call that a signal cannot stop; the sequential path waits for it in short steps,
    so Ctrl-C (here simulated with `interrupt_main`, which a blocked C call would not notice either) is raised at
    once rather than when the call returns, and the call is left to finish in its daemon thread."""
    import _thread
    import threading
    import time

    from reviewer.ask import interruptible, model_calls_running

    threading.Timer(0.2, _thread.interrupt_main).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        interruptible(time.sleep, 5)
    assert time.monotonic() - started < 3
    assert model_calls_running.is_set()  # the CLI leaves with os._exit rather than freeing the model under it
    model_calls_running.clear()


def test_a_model_call_run_interruptibly_returns_its_value_and_raises_its_error():
    from reviewer.ask import interruptible, model_calls_running

    assert interruptible(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(ValueError, match="bad answer"):
        interruptible(lambda: (_ for _ in ()).throw(ValueError("bad answer")))
    assert not model_calls_running.is_set()
