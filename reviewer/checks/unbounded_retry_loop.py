"""REL002: a hand-written retry loop around a remote call that never gives up."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, is_name
from reviewer.checks._data import (
    Scope,
    ScopeCheck,
    body_statements,
    ends_in_exit,
    is_remote_call,
    method,
    positional,
    retry_loops,
    tokens,
)

# Calls at the top of a loop body that take the next piece of work: such a loop is a worker, not a retry.
_CONSUME = frozenset({"get", "get_nowait", "recv", "receive", "poll", "pop", "blpop", "brpop", "consume",
                      "receive_messages", "accept", "readline", "next", "dequeue", "fetch_message", "listen"})
# Waiting for the next connection or message is serving, not retrying a failed request.
_SERVING = frozenset({"accept", "recv", "recvfrom", "recv_into", "recvmsg", "receive", "readline", "read", "poll",
                      "wait_for_message"})
# Names that say a comparison bounds the loop by time rather than by attempts.
_DEADLINE_WORDS = frozenset({"deadline", "elapsed", "timeout", "expires", "until", "monotonic", "perf", "time",
                             "now", "utcnow", "give", "budget", "max"})
_WAIT = re.compile(r"sleep|backoff|wait")


class UnboundedRetryLoop(ScopeCheck):
    """A `while True` (or `while not done`) loop that retries a remote call with no attempt limit.

    ## What it does
    Reports a `while True:` / `while 1:` / `while not <flag>:` loop, or a `for` over an endless
    iterator (`itertools.count()`, `itertools.cycle(...)`, `itertools.repeat(x)`), that calls the network, a client or a
    database inside a `try`, leaves the loop when the call succeeds (`break`, `return`, or setting the flag)
    and goes round again when it fails (the `except` branch continues or falls through), or a `while True:`
    that calls out and leaves only when the answer's status says it worked (`if resp.status_code < 500:
    break`) or goes round when it says it failed (`if resp.status_code == 503: continue`, `if resp.status_code in
    (429, 502, 503): continue`, also a module constant: `in RETRYABLE_STATUS`), when the loop has
    no attempt counter compared to a limit and no deadline (a comparison with `time.monotonic()`, a
    `deadline`, `elapsed` or `timeout` value). The message says whether there is a sleep between attempts.

    ## Why is this bad?
    When the other service is down for good (a wrong URL, revoked credentials, a dropped table) the loop
    never ends: the request or job hangs instead of failing, and every copy of the loop keeps calling the
    failing service. Without a sleep it does so as fast as it can, a retry storm that keeps the dependency
    from recovering.

    ## Known limits
    A `for` loop is judged only over the endless `itertools` iterators: one over `range(n)` is bounded,
    and an endless generator of the project's own is not recognised. A limit enforced inside a helper called from the `except` branch (one that raises
    after N calls) is not seen, and neither is a bounded loop that retries without sleeping. A loop whose
    body first takes work from a queue (`queue.get()`, `consumer.poll()`) is treated as a worker loop and
    not reported, nor is a reconnect loop that never leaves on success. An `except` that only catches
    "not ready" or bad-data errors (`BlockingIOError`, `InterruptedError`, `queue.Empty`, `ValueError`,
    `KeyError`...) or ends in a helper named like `raise_for_error(exc)` is not taken as a retry.
    """

    id = "REL002"
    VALID = (
        """
async def chat_turns(session, url, messages):
    while True:  # ok: REL002
        async with session.post(url, json={"messages": messages}) as resp:
            if resp.status != 200:
                return
            reply = await resp.json()
        if not reply.get("tool_calls"):
            return reply
        messages.append(run_tools(reply["tool_calls"]))
""",
        """
import time
import requests

def void_hold(url, headers, max_attempts=5):
    attempt = 0
    while True:  # ok: REL002
        attempt += 1
        response = requests.post(url, headers=headers, timeout=10)
        if response.status_code < 500 or attempt >= max_attempts:
            break
        time.sleep(2 ** attempt)
    return response
""",
        """
import time
import requests

def fetch_rates(base):
    for attempt in range(5):  # ok: REL002
        try:
            response = requests.get(f"https://rates.example.com/{base}", timeout=5)
            response.raise_for_status()
            return response.json()
        except requests.RequestException:
            time.sleep(2 ** attempt)
    raise RuntimeError("rates service unavailable")
""",
        """
import time
import requests

def fetch_rates(base, max_attempts=5):
    attempts = 0
    while True:  # ok: REL002
        try:
            return requests.get(f"https://rates.example.com/{base}", timeout=5).json()
        except requests.RequestException:
            attempts += 1
            if attempts >= max_attempts:
                raise
            time.sleep(min(30, 2 ** attempts))
""",
        """
import queue
import logging
import requests

def worker(jobs: queue.Queue):
    while True:  # ok: REL002
        job = jobs.get()
        try:
            requests.post(job.callback_url, json=job.result, timeout=10)
        except requests.RequestException:
            logging.exception("callback failed for %s", job.id)
        finally:
            jobs.task_done()
""",
        """
import time
import psycopg2

def wait_for_database(dsn, timeout=60):
    deadline = time.monotonic() + timeout
    while True:  # ok: REL002
        try:
            return psycopg2.connect(dsn)
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
""",
        """
import itertools
import smtplib
import time

def open_relay(host, max_attempts=6):
    for attempt in itertools.count(1):  # ok: REL002
        try:
            return smtplib.SMTP(host, 587, timeout=10)
        except OSError:
            if attempt >= max_attempts:
                raise
            time.sleep(2 ** attempt)

def next_power_of_two(n):
    value = 1
    while True:  # ok: REL002
        try:
            if value >= n:
                return value
            value *= 2
        except OverflowError:
            time.sleep(0)
""",
    )
    INVALID = (
        # Round again for as long as the supplier answers 503; every other answer leaves the loop.
        """
import time

def stock_level(session, base_url, sku):
    while True:  # expect: REL002
        resp = session.get(f"{base_url}/stock/{sku}", timeout=10)
        if resp.status_code == 503:
            time.sleep(float(resp.headers.get("Retry-After", "1")))
            continue
        resp.raise_for_status()
        return int(resp.json()["available"])

def windows(session, base_url, station):
    while True:  # expect: REL002
        resp = session.get(f"{base_url}/stations/{station}/windows", timeout=10)
        if resp.status_code in (429, 502, 503):
            time.sleep(2)
            continue
        resp.raise_for_status()
        return resp.json()
""",
        """
import time
import requests

def void_hold(url, headers):
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        response = requests.post(url, headers=headers, timeout=10)
        if response.status_code < 500:
            break
        time.sleep(1)
    return response

def player(url):
    while True:  # expect: REL002
        resp = requests.get(url, timeout=10)
        if resp.status_code != 429:
            break
        time.sleep(int(resp.headers.get("Retry-After", "2")))
    return resp.json()
""",
        """
import time
import requests

def fetch_rates(base):
    while True:  # expect: REL002
        try:
            response = requests.get(f"https://rates.example.com/{base}", timeout=5)
            response.raise_for_status()
            return response.json()
        except requests.RequestException:
            time.sleep(1)
""",
        """
import psycopg2

def wait_for_database(dsn):
    while True:  # expect: REL002
        try:
            conn = psycopg2.connect(dsn)
            break
        except psycopg2.OperationalError:
            continue
    return conn
""",
        """
import asyncio
import logging

async def push_metrics(client, batch):
    sent = False
    while not sent:  # expect: REL002
        try:
            await client.post("/v1/metrics", json=batch)
            sent = True
        except Exception:
            logging.warning("metrics push failed, retrying")
            await asyncio.sleep(5)
""",
        """
import itertools
import time
import smtplib

def open_relay(host):
    for attempt in itertools.count(1):  # expect: REL002
        try:
            return smtplib.SMTP(host, 587, timeout=10)
        except OSError:
            time.sleep(min(60, 2 ** attempt))
""",
        # The statuses it retries on are a module constant; the attempt is counted but never compared to a limit.
        """
import time

RETRYABLE_STATUS = (429, 502, 503, 504)

def book_collection(session, url, payload):
    attempt = 0
    while True:  # expect: REL002
        resp = session.post(url, json=payload, timeout=10)
        if resp.status_code in RETRYABLE_STATUS:
            attempt += 1
            time.sleep(min(2 ** attempt, 30))
            continue
        resp.raise_for_status()
        return resp.json()
""",
    )

    def judge(self, scope: Scope) -> None:
        found_loops = retry_loops(scope, self.ctx)
        for loop in scope.of_type(cst.While):
            # `while True: resp = post(...); if resp.status_code < 500: break`: a retry on the answer's status.
            if (loop not in {f.loop for f in found_loops} and _unconditional(loop.test)
                    and self._retries_on_status(loop, scope) and not _is_bounded(loop, scope)):
                self.report(loop, _message(any(_WAIT.search((method(c) or "").lower())
                                               for c in scope.calls_within(loop.body))))
        for found in found_loops:
            loop = found.loop
            if isinstance(loop, cst.While):
                if not _unconditional(loop.test):
                    continue
            elif found.whole_body or not self._endless(loop.iter):
                continue
            tries = [t for t in found.tries if any(
                method(c) not in _SERVING and is_remote_call(c, scope, self.ctx) for c in scope.calls_within(t.body))]
            if not tries or _is_worker(loop, tries[0], scope) or _is_bounded(loop, scope):
                continue
            sleeps = any(_WAIT.search((method(c) or "").lower()) for c in scope.calls_within(loop.body))
            self.report(loop, _message(sleeps))

    def _retries_on_status(self, loop: cst.While, scope: Scope) -> bool:
        """The loop calls out, leaves when the answer's status says it worked, and otherwise goes round."""
        calls = [c for c in scope.calls_within(loop.body) if method(c) not in _SERVING]
        remote = [c for c in calls if is_remote_call(c, scope, self.ctx)]
        if not remote or any(_takes_work(c) for c in calls if c not in remote):
            return False
        for branch in scope.of_type(cst.If):
            if scope.innermost_loop(branch) is not loop:
                continue
            on_status = any(isinstance(n, cst.Attribute) and n.attr.value in _STATUS_ATTRIBUTES
                            for n in scope.within(branch.test))
            if on_status and _ends_in_continue(branch.body) and _exits_on_success(branch.test, scope) is False:
                # `if resp.status_code == 503: sleep(...); continue`, and the answer returned below: round again on
                # that failure for as long as it lasts.
                return True
            if not ends_in_exit(branch.body):
                continue
            if on_status:
                # `if resp.status != 200: return` leaves on a failure: a loop of turns, not a retry.
                return _exits_on_success(branch.test, scope) is not False
        return False


    def _endless(self, iterable: cst.BaseExpression) -> bool:
        """`itertools.count()`, `itertools.cycle(...)`, `itertools.repeat(x)`: a `for` that never runs out."""
        if not isinstance(iterable, cst.Call):
            return False
        name = self.ctx.qualify(iterable.func)
        if name in ("itertools.count", "itertools.cycle"):
            return True
        return name == "itertools.repeat" and len(iterable.args) == 1 and iterable.args[0].keyword is None


_STATUS_ATTRIBUTES = frozenset({"status_code", "status", "ok"})


def _exits_on_success(test: cst.BaseExpression, scope: Scope) -> bool | None:
    """Whether a status test is true for a success (`status_code < 500`, `== 200`, `!= 429`, `resp.ok`), false for
    a failure (`!= 200`, `>= 400`, `not resp.ok`); None when it cannot be told."""
    negated = False
    while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        negated, test = not negated, test.expression
    if isinstance(test, cst.Attribute) and test.attr.value == "ok":
        return not negated
    listed = _codes_listed(test, scope)
    if listed is not None:  # `status_code in (429, 502, 503)`: true for failures only, or for successes only
        operator, codes = listed
        successes = {200 <= code < 300 for code in codes}
        if len(successes) != 1:
            return None
        return (successes.pop() == isinstance(operator, cst.In)) != negated
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].comparator, cst.Integer)):
        return None
    operator, code = test.comparisons[0].operator, int(test.comparisons[0].comparator.value)
    success = 200 <= code < 300
    if isinstance(operator, cst.Equal):
        verdict = success
    elif isinstance(operator, cst.NotEqual):
        verdict = not success
    elif isinstance(operator, (cst.LessThan, cst.LessThanEqual)):
        verdict = code <= 500
    elif isinstance(operator, cst.GreaterThanEqual):
        verdict = code <= 200  # `>= 200` holds for a success, `>= 400` for a failure
    elif isinstance(operator, cst.GreaterThan):
        verdict = code < 200
    else:
        return None
    return verdict != negated


def _codes_listed(test: cst.BaseExpression, scope: Scope) -> tuple[cst.BaseCompOp, list[int]] | None:
    """`status in (429, 503)` or `status not in {200, 201}`: the operator and the codes listed (also in a module
    constant, `RETRYABLE_STATUS = (429, 502, 503)`)."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, (cst.In, cst.NotIn))):
        return None
    listed = test.comparisons[0].comparator
    if isinstance(listed, cst.Name):
        binding = scope.binding(listed.value)
        listed = binding.value if binding is not None and not binding.unpacked else listed
    if isinstance(listed, cst.Call) and isinstance(listed.func, cst.Name) and listed.func.value in (
            "frozenset", "set", "tuple") and len(listed.args) == 1:
        listed = listed.args[0].value  # `frozenset({429, 503})`
    if not isinstance(listed, (cst.Tuple, cst.List, cst.Set)):
        return None
    elements = [element.value for element in listed.elements]
    if not elements or not all(isinstance(value, cst.Integer) for value in elements):
        return None
    return test.comparisons[0].operator, [int(value.value) for value in elements]


def _ends_in_continue(body: cst.BaseSuite) -> bool:
    statements = list(getattr(body, "body", ()))
    last = statements[-1] if statements else None
    return (isinstance(last, cst.SimpleStatementLine) and bool(last.body)
            and isinstance(last.body[-1], cst.Continue))


def _takes_work(call: cst.Call) -> bool:
    """`jobs.get()`, `q.get(timeout=1)`, `consumer.poll(...)`: the loop waits for work. A `get` with a key
    (`resp.headers.get("Retry-After")`) reads a mapping, and `requests.get(url)` is the remote call itself."""
    name = method(call)
    if name not in _CONSUME:
        return False
    if name != "get":
        return True
    first = positional(call)
    return first is None or is_name(first, "True") or is_name(first, "False")


def _message(sleeps: bool) -> str:
    if sleeps:
        return ("This loop retries a remote call with no attempt limit or deadline: when the dependency stays down "
                "it never gives up and the caller hangs forever.")
    return ("This loop retries a remote call with no attempt limit and no sleep between attempts: when the "
            "dependency fails it is hammered as fast as possible, forever.")


def _unconditional(test: cst.BaseExpression) -> bool:
    """`True`, `1`, `not done`, `running`: nothing in the test counts attempts or time."""
    if isinstance(test, cst.Name):
        return test.value != "False"
    if isinstance(test, cst.Integer):
        return test.value != "0"
    return (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
            and isinstance(test.expression, cst.Name))


def _is_worker(loop: cst.While | cst.For, attempt: cst.Try, scope: Scope) -> bool:
    for statement in body_statements(loop.body):
        if statement is attempt:
            return False
        if any(_takes_work(call) for call in scope.calls_within(statement)):
            return True
    return False


def _is_bounded(loop: cst.While | cst.For, scope: Scope) -> bool:
    """A counter changed in the loop and compared in it, or a comparison against the clock or a deadline."""
    counters: set[str] = set()
    if isinstance(loop, cst.For):  # `for attempt in itertools.count(1)`: the loop variable counts attempts
        counters.update(path for path in (attribute_path(loop.target),) if path is not None)
    for node in scope.within(loop.body):
        if isinstance(node, cst.AugAssign):
            path = attribute_path(node.target)
            if path is not None:
                counters.add(path)
        elif isinstance(node, cst.Assign) and isinstance(node.value, cst.BinaryOperation):
            for target in node.targets:
                path = attribute_path(target.target)
                if path is not None:
                    counters.add(path)
    for node in scope.within(loop):
        if not isinstance(node, cst.Comparison):
            continue
        for part in scope.within(node):
            path = attribute_path(part) if isinstance(part, (cst.Name, cst.Attribute)) else None
            if path is None:
                continue
            if path in counters or tokens(path) & _DEADLINE_WORDS:
                return True
    return False
