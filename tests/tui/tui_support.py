"""Shared by the TUI tests: a small project on disk, its selection, and a fake model backend."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from reviewer.ask import AskSettings, make_model_step
from reviewer.checks import all_checks
from reviewer.diff import Selection
from reviewer.engine import ReviewOptions
from reviewer.findings import FileChange, FileKind
from reviewer.llm import Completion
from reviewer.tui.app import ReviewApp
from reviewer.tui.screens import DismissScreen

PAYMENTS = '''"""Charge a customer's card for an order and record the payment."""

import logging
import sqlite3

import requests

log = logging.getLogger(__name__)

PAYMENT_API = "https://payments.example.com/v1/charges"
API_KEY = "sk_live_51Hx9aQ2eZvKYlo2C8Xw1mN0pR7sT"


def charge_order(db: sqlite3.Connection, order_id: int, card_token: str) -> bool:
    row = db.execute(f"SELECT amount, customer_id FROM orders WHERE id = {order_id}").fetchone()
    amount, customer_id = row
    for attempt in range(3):
        try:
            response = requests.post(
                PAYMENT_API,
                json={"amount": amount, "source": card_token, "customer": customer_id},
                headers={"Authorization": f"Bearer {API_KEY}"},
            )
            response.raise_for_status()
            break
        except requests.RequestException:
            continue
    db.execute("UPDATE orders SET status = 'paid' WHERE id = ?", (order_id,))
    db.commit()
    return True


def refund_order(db: sqlite3.Connection, order_id: int) -> None:
    try:
        row = db.execute("SELECT charge_id FROM orders WHERE id = ?", (order_id,)).fetchone()
        requests.post(f"{PAYMENT_API}/{row[0]}/refund", timeout=10)
        db.execute("UPDATE orders SET status = 'refunded' WHERE id = ?", (order_id,))
        db.commit()
    except Exception:
        pass
'''

DOCKERFILE = '''FROM python:latest
WORKDIR /app
COPY . /app
RUN pip install -r requirements.txt
CMD ["python", "-m", "shop"]
'''

# The checks the tests run: checks added later must not change what these tests see.
CHECKS_USED = frozenset({"HardcodedSecret", "SqlBuiltFromVariables", "NetworkCallWithoutTimeout",
                         "RetriedSideEffectWithoutIdempotencyKey", "SideEffectAndWriteWithoutTransaction",
                         "ExceptionSwallowed", "ContainerRunsAsRoot", "UnpinnedBaseImage"})


def options_for_tests() -> ReviewOptions:
    return ReviewOptions(disabled={c.rule_name() for c in all_checks() if c.rule_name() not in CHECKS_USED})


FILES = {"shop/payments.py": (PAYMENTS, FileKind.python), "Dockerfile": (DOCKERFILE, FileKind.dockerfile)}

# Where the fake model answers "problem" (item -> line and explanation); everything else it calls "ok".
MODEL_ANSWERS = {
    "REL001": [(19, "requests.post to PAYMENT_API can hang without a timeout"),
               (36, "requests.post of the refund waits on PAYMENT_API for as long as it takes")],
}


class FakeBackend:
    """Answers each asked item "problem" where MODEL_ANSWERS has a line inside the chunk, else "ok".

    `gate`, when given, makes every call after the first `free_calls` wait for it: a test can hold the stream
    before or after any chunk."""

    name = "fake"
    model_sha256 = "f" * 64
    concurrency = 1
    loaded = True

    def __init__(self, answers: dict | None = None, gate: threading.Event | None = None, free_calls: int = 1) -> None:
        self.answers = MODEL_ANSWERS if answers is None else answers
        self.gate = gate
        self.free_calls = free_calls
        self.calls: list[list[int]] = []
        self.waiting = threading.Event()

    def complete(self, system, user, schema, max_tokens, seed):
        lines = line_enum(schema)
        self.calls.append(lines)
        if self.gate is not None and len(self.calls) > self.free_calls:
            self.waiting.set()
            assert self.gate.wait(10), "the test never opened the gate"
        answer = {}
        for item_id in schema["properties"]:
            answer[item_id] = ok_answer(schema, lines)
            for candidate, reason in self.answers.get(item_id, []):
                if candidate in lines:
                    answer[item_id] = {"verdict": "problem", "line": candidate, "why": reason, "confidence": "high"}
        return Completion(text=json.dumps(answer), prompt_tokens=100, completion_tokens=20, seconds=0.01)


def line_enum(schema: dict) -> list[int]:
    """The chunk's line numbers: the enum of the first `line` property anywhere in the answer schema."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            line = node.get("properties", {}).get("line")
            if isinstance(line, dict) and "enum" in line:
                return line["enum"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError("no line enum in the answer schema")


def ok_answer(schema: dict, lines: list[int]) -> dict:
    """An "ok" in the schema's shape: just the verdict when the schema has such a variant, else every field."""
    if any(set(d.get("properties", {})) == {"verdict"} for d in schema.get("$defs", {}).values()):
        return {"verdict": "ok"}
    return {"verdict": "ok", "line": lines[0], "why": "fine", "confidence": "high"}


def make_project(root: Path) -> Selection:
    changes = []
    for rel, (text, kind) in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        changes.append(FileChange(path=rel, status="added", kind=kind, text=text,
                                  changed_lines=list(range(1, text.count("\n") + 1))))
    return Selection(changes=changes, skipped=[], root=str(root), description="test project")


def factory_for(backend: FakeBackend):
    # The tests stream model findings on REL001, an item a check answers: let the model extend it.
    settings = AskSettings(model_name="fake", model_sha256=backend.model_sha256, max_items=5,
                           model_extends_checks=True)
    return lambda: make_model_step(settings, lambda: backend, None)


def current(app: ReviewApp) -> tuple[str, int, str]:
    assert app.current is not None
    return app.current.file, app.current.line, app.current.id


async def go_to(pilot, app: ReviewApp, file: str, line: int, item_id: str) -> None:
    """Press n until the given finding is selected."""
    for _ in range(len(app.session.findings) + 1):
        if app.current is not None and current(app) == (file, line, item_id):
            return
        await pilot.press("n")
    raise AssertionError(f"{item_id} at {file}:{line} never selected")


async def wait_until(pilot, condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached in time")


async def dismiss_with(pilot, reason: str, baseline: bool = False) -> None:
    await pilot.press("d")
    assert isinstance(pilot.app.screen, DismissScreen)
    await wait_until(pilot, lambda: pilot.app.focused is pilot.app.screen.query_one("#reason"))
    await pilot.press(*reason)
    if baseline:
        await pilot.press("tab", "down", "enter", "tab", "enter")  # radio: baseline, then the Dismiss button
    else:
        await pilot.press("enter")
    await pilot.pause()
