"""MNT002: a function that rebinds a module global (`global x; x += 1`), other than a one-time lazy set-up."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import descendants, is_name, is_none
from reviewer.checks._data import Scope, ScopeCheck, ends_in_exit


# Functions named for start-up work (`init_engine`, `setup_logging`, `configure`): called once, before requests.
_SET_UP = re.compile(r"^_?(init|initiali[sz]e|setup|set_up|configure|bootstrap|startup|on_startup)(_|$)")


_SIGNAL_REGISTRATION = re.compile(r"\b(?:signal\.signal|add_signal_handler)\(\s*[\w.]+\s*,\s*(\w+)\s*[,)]")


class GlobalReboundAtRuntime(ScopeCheck):
    """A function that changes a module-level variable through the `global` statement.

    ## What it does
    Reports a `global NAME` statement in a function that then changes `NAME`: an augmented assignment
    (`NAME += 1`), or an assignment that is not guarded by a test of `NAME` itself. The usual lazy
    set-up (`if _pool is None: _pool = make_pool()`, or `if _pool is not None: return _pool` before the
    assignment) and a reset to `None` are not reported, nor is a function named `main` (a script's entry
    point), nor an assignment in a function named for start-up work (`init_engine`, `setup_logging`,
    `configure`), which runs once before requests (`+=` there is still reported), nor a signal handler the module
    registers (`signal.signal(signal.SIGTERM, _stop)`), which sets the flag a worker's loop reads. Tests are
    skipped.

    ## Why is this bad?
    The function's result depends on, and changes, state that is not in its arguments: two tests
    that call it see each other's values, the order of calls matters, and with several worker
    processes or replicas each has its own copy, so a counter or a "current" setting silently
    differs between them. Pass the state in, keep it in an object the caller owns, or store it where
    every process sees it.

    ## Known limits
    Module state changed without `global` (a dict or list mutated in place, an attribute set on a
    module object) is not reported here (see CON002 for state that request handlers write).
    """

    id = "MNT002"
    VALID = (
        """
import threading

_pool = None
_lock = threading.Lock()

def get_pool(dsn):
    global _pool  # ok: MNT002
    with _lock:
        if _pool is None:
            _pool = make_pool(dsn)
    return _pool

def close_pool():
    global _pool  # ok: MNT002
    if _pool is not None:
        _pool.close()
        _pool = None

def get_client():
    global _client  # ok: MNT002
    if _client is not None:
        return _client
    _client = build_client()
    return _client

def main():
    global VERBOSE  # ok: MNT002
    VERBOSE = True
""",
        # Named for start-up work: the application's lifespan calls it once, before any request.
        """
_engine = None
_sessionmaker = None

def init_engine(settings):
    global _engine, _sessionmaker  # ok: MNT002
    _engine = create_async_engine(settings.database_url, pool_size=10)
    _sessionmaker = async_sessionmaker(_engine, expire_on_commit=False)
    return _engine
""",
        # A worker's shutdown flag, set by the signal handler it registers.
        """
import signal

_stopping = False

def _stop(signum, frame):
    global _stopping  # ok: MNT002
    _stopping = True

def run():
    signal.signal(signal.SIGTERM, _stop)
    while not _stopping:
        send_next_batch()
""",
    )
    INVALID = (
        """
from fastapi import FastAPI

app = FastAPI()
_requests_served = 0

@app.post("/feedback")
def feedback(customer_id: str):
    global _requests_served  # expect: MNT002
    _requests_served += 1
    return {"accepted": True}
""",
        """
_current_model = None

def reload_model(path):
    global _current_model  # expect: MNT002
    _current_model = load(path)
""",
        # The finding spans from `global` to the statement that replaces the settings.
        """
_settings = load()

def apply_overrides(overrides):
    global _settings  # expect: MNT002
    changes = {k: v for k, v in overrides.items() if k in ALLOWED}
    _settings = {**_settings, **changes}
    return _settings
""",
    )

    _registered: frozenset[str] | None = None  # the module's signal handlers, once read

    def judge(self, scope: Scope) -> None:
        root = scope.root
        if not isinstance(root, cst.FunctionDef) or root.name.value == "main":
            return
        statements = scope.of_type(cst.Global)
        if not statements or root.name.value in self._signal_handlers():
            return
        set_up = bool(_SET_UP.match(root.name.value))
        for statement in statements:
            names = {item.name.value for item in statement.names}
            rebinds = [found for name in names if (found := self._rebinds(name, scope)) is not None
                       and (not set_up or isinstance(found, cst.AugAssign))]
            if rebinds:
                # From the `global` statement to the first statement that rebinds the name.
                first = min(rebinds, key=self.line_of)
                self.report(statement, f"`global {', '.join(sorted(names))}`: this function changes module state that "
                                       "is not in its arguments, so calls and tests affect each other and each "
                                       "worker process keeps its own copy.", end_node=first)

    def _signal_handlers(self) -> frozenset[str]:
        """The functions the module registers for a signal, `signal.signal(signal.SIGTERM, _stop)` or
        `loop.add_signal_handler(..., _stop)`: such a handler may do little more than set a module flag the main loop
        reads, which is what Python's documentation shows. Read once per file."""
        if self._registered is None:
            self._registered = frozenset(_SIGNAL_REGISTRATION.findall(self.ctx.text))
        return self._registered

    @staticmethod
    def _rebinds(name: str, scope: Scope) -> cst.CSTNode | None:
        """The first statement that rebinds the name: `+=`, or an assignment not guarded by a test of the name."""
        for change in scope.of_type(cst.AugAssign):
            if is_name(change.target, name):
                return change
        for assign in scope.of_type(cst.Assign):
            if not any(is_name(target.target, name) for target in assign.targets) or is_none(assign.value):
                continue
            guarded = any(isinstance(ancestor, (cst.If, cst.While))
                          and any(is_name(node, name) for node in descendants(ancestor.test))
                          for ancestor in scope.ancestors(assign))
            # The same set-up written as an early return: `if _pool is not None: return _pool`, then `_pool = ...`.
            returned_when_set = any(_is_set(branch.test, name) and ends_in_exit(branch.body) and branch.orelse is None
                                    and scope.before(branch, assign) for branch in scope.of_type(cst.If))
            if not guarded and not returned_when_set:
                return assign
        return None


def _is_set(test: cst.BaseExpression, name: str) -> bool:
    """`name is not None` or `name` alone: the test a one-time set-up returns early on."""
    if is_name(test, name):
        return True
    return (isinstance(test, cst.Comparison) and is_name(test.left, name) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.IsNot) and is_none(test.comparisons[0].comparator))

