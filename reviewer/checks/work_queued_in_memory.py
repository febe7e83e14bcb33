"""REL005: work queued in a module-level in-process queue or list that a worker drains later."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import FileContext, attribute_path, descendants, findall
from reviewer.checks._data import Scope, ScopeCheck, method, receiver, tokens

_QUEUES = frozenset({"queue.Queue", "queue.SimpleQueue", "queue.LifoQueue", "queue.PriorityQueue", "asyncio.Queue",
                     "asyncio.PriorityQueue", "asyncio.LifoQueue", "collections.deque", "multiprocessing.Queue"})
_ADD = frozenset({"put", "put_nowait", "append", "appendleft", "extend"})
_TAKE = frozenset({"get", "get_nowait", "popleft", "pop", "clear", "copy"})
# Queues of things that are not work: a pool hands out and takes back connections, a broadcast queue
# feeds clients that reconnect, a lock or slot queue counts.
_NOT_WORK = frozenset({"pool", "pools", "conn", "conns", "connection", "connections", "session", "sessions", "client",
                       "clients", "free", "idle", "available", "slot", "slots", "token", "tokens", "subscriber",
                       "subscribers", "listener", "listeners", "websocket", "websockets", "sockets", "lock", "locks",
                       "results", "result", "responses", "cache", "history", "recent", "samples", "registry",
                       "handlers", "callbacks", "hooks", "plugins", "routes"})


class WorkQueuedInMemory(ScopeCheck):
    """Work held in a module-level queue or list in process memory until a worker gets to it.

    ## What it does
    Reports a module-level `queue.Queue`, `asyncio.Queue`, `collections.deque` or list (`[]`) that
    functions of the same file add work to (`put`, `put_nowait`, `append`) and take work from
    (`get`, `popleft`, `pop`, or, for a list, `clear()` or a slice of it in a function with a `while` loop: a
    worker that keeps draining it): an in-process job queue.
    The finding is on the queue's definition and spans to the first call that hands work to it (so a
    change that adds a `put` there shows it). Queues named for connections, pools, clients,
    subscribers, results or caches are not work and are not reported. Tests are skipped.

    ## Why is this bad?
    Everything in the queue exists only in this process's memory. A crash, a deploy, an autoscaler
    removing the instance or an out-of-memory kill drops every job, email, webhook or write not yet
    handled, with no error anywhere, and the caller was already told it was accepted. With several
    replicas each holds its own queue. Put the work in a durable queue (Celery or RQ with a broker,
    SQS, a database outbox table) and acknowledge it only when it is done.

    ## Known limits
    Only queues defined and used in one file are seen; a queue passed to another module is not
    followed. Whether losing the queued items matters (a metrics sample, a cache warm-up) is not
    judged, beyond the names above. Threads and tasks started per request are CON003's subject.
    """

    id = "REL005"
    VALID = (
        """
import queue
from collections import deque

_connections: queue.Queue = queue.Queue(maxsize=10)  # ok: REL005
_recent = deque(maxlen=100)  # ok: REL005

def acquire():
    return _connections.get(timeout=5)

def release(conn):
    _connections.put(conn)

def record(latency):
    _recent.append(latency)

def p50():
    return sorted(_recent)[len(_recent) // 2]
""",
        """
import queue

def crawl(start):
    frontier = queue.Queue()  # ok: REL005
    frontier.put(start)
    while not frontier.empty():
        frontier.get()
""",
        """
import atexit

_providers: list = []  # ok: REL005

def configure(provider):
    _providers.append(provider)

def _shutdown():
    for provider in _providers:
        provider.shutdown()
    _providers.clear()

atexit.register(_shutdown)
""",
    )
    INVALID = (
        """
import queue
import threading
from flask import Flask, request

app = Flask(__name__)
_jobs: "queue.Queue[dict]" = queue.Queue(maxsize=10_000)  # expect: REL005

@app.post("/notify")
def notify():
    _jobs.put(request.get_json())
    return {"queued": True}, 202

def worker():
    while True:
        job = _jobs.get()
        deliver(job)

threading.Thread(target=worker, daemon=True).start()
""",
        """
import threading
import time

_pending: list[dict] = []  # expect: REL005
_lock = threading.Lock()

def ingest(reading):
    with _lock:
        _pending.append(reading)

def flush_forever(db):
    while True:
        time.sleep(5)
        with _lock:
            batch = _pending[:]
            _pending.clear()
        db.insert_many(batch)
""",
    )

    def judge(self, scope: Scope) -> None:
        if not isinstance(scope.root, cst.Module):
            return
        queues = self._module_queues(scope)
        if not queues:
            return
        added: set[str] = set()
        taken: set[str] = set()
        first_add: dict[str, cst.Call] = {}  # where work is first handed over: the finding spans to it
        calls, subscripts, in_worker = _used_in_functions(scope.root)
        for call in calls:
            target = attribute_path(receiver(call)) if receiver(call) is not None else None
            if target not in queues:
                continue
            name = method(call)
            if name in _ADD:
                added.add(target)
                first_add.setdefault(target, call)
            elif name in _TAKE and (name != "copy" and name != "clear" or queues[target][1]):
                # A plain list is a queue only when a worker loop drains it: a list emptied once (at shutdown,
                # on reload) holds registered things, not pending work.
                if not queues[target][1] or call in in_worker:
                    taken.add(target)
        for subscript in subscripts:
            if (isinstance(subscript.value, cst.Name) and subscript.value.value in queues
                    and queues[subscript.value.value][1] and subscript in in_worker):
                if any(isinstance(element.slice, cst.Slice) for element in subscript.slice):
                    taken.add(subscript.value.value)
        for name in sorted(added & taken, key=lambda n: self.line_of(queues[n][0])):
            self.report(queues[name][0], f"`{name}` holds work in this process's memory until a worker takes it: a "
                                         "crash, deploy or scale-down loses every item not yet handled. Use a durable "
                                         "queue (a broker, SQS, an outbox table).", end_node=first_add.get(name))

    def _module_queues(self, scope: Scope) -> dict[str, tuple[cst.CSTNode, bool]]:
        """Module-level queues: name -> (the assignment, whether it is a plain list)."""
        found: dict[str, tuple[cst.CSTNode, bool]] = {}
        for statement in scope.root.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    target, value = small.target, small.value
                else:
                    continue
                if not isinstance(target, cst.Name) or tokens(target.value) & _NOT_WORK:
                    continue
                is_list = isinstance(value, cst.List) and not value.elements
                if is_list or (isinstance(value, cst.Call) and _is_queue(value, self.ctx)):
                    found[target.value] = (statement, is_list)
        return found


def _is_queue(call: cst.Call, ctx: FileContext) -> bool:
    qualified = ctx.qualify(call.func)
    if qualified not in _QUEUES:
        return False
    if qualified == "collections.deque":
        # a bounded deque drops old items by design: a window of samples, not a backlog
        return not any(arg.keyword is not None and arg.keyword.value == "maxlen" for arg in call.args)
    return True


def _used_in_functions(module: cst.Module) -> tuple[list[cst.Call], list[cst.Subscript], set[cst.CSTNode]]:
    """Calls and subscripts inside the module's functions and methods: where queues are filled and drained;
    and which of them run in a function with a `while` loop (a worker that keeps draining)."""
    calls: list[cst.Call] = []
    subscripts: list[cst.Subscript] = []
    in_worker: set[cst.CSTNode] = set()
    for top in findall(module, cst.FunctionDef):
        nodes = list(descendants(top.body))
        worker = any(isinstance(node, cst.While) for node in nodes)
        for node in nodes:
            if isinstance(node, cst.Call):
                calls.append(node)
            elif isinstance(node, cst.Subscript):
                subscripts.append(node)
            else:
                continue
            if worker:
                in_worker.add(node)
    return calls, subscripts, in_worker
