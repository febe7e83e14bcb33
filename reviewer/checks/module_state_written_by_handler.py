"""CON002: module-level mutable state written by request handlers without a lock."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._runtime import ModuleStateTracker, StateWrite

_REMOVING_KINDS = frozenset({
    "del", "method:pop", "method:popitem", "method:popleft", "method:clear", "method:remove", "method:discard",
})


class ModuleStateWrittenByHandler(ModuleStateTracker):
    """A module-level dict, list, set or `global` name written by a request handler with no lock held.

    ## What it does
    In a web app (a file that imports Flask, FastAPI, Django, Starlette, aiohttp, ...), reports writes
    made while serving a request to a module-level container (a dict, list or set literal, `dict()`,
    `defaultdict`, `Counter`, `OrderedDict`, `deque`) or to a name declared `global`: subscript
    assignment (`stats["hits"] = ...`), augmented assignment (`stats["hits"] += 1`, `counter += 1`
    under `global counter`), `del stats[key]`, and in-place methods (`.append`, `.update`, `.pop`,
    `.setdefault`, `.add`, `.clear`, ...), also through a local alias (`window = buckets[ip];
    window.append(now)`). "Serving a request" means a routed function or view, a request hook
    (`before_request`, `after_request`, middleware), a function registered by call (`web.post(path, f)`,
    `add_url_rule(view_func=f)`, `Depends(f)`), and the module-level functions these call by name.
    Writes under `with <lock>:` or in a function that calls `.acquire()` are not reported.

    ## Why is this bad?
    Threaded servers run handlers concurrently: a read-modify-write such as `counter += 1` or
    `stats[k] = stats.get(k, 0) + 1` loses updates under load, and check-then-set sequences corrupt the
    data. The state also lives in one process: each worker and each replica has its own copy, so the
    numbers disagree and vanish on restart.

    ## Known limits
    Writes from async handlers are reported only when the module also hands work to threads
    (`threading.Thread`, executors, `asyncio.to_thread`): on one event loop a write with no `await`
    in the middle cannot interleave with another request's (the per-process copy is SCL001's
    concern). Plain rebinding (`global config; config = load()`) is not reported. State reached
    through attributes (`app.state.x[k] = v`, `self.cache[k]`) and helpers called as methods are not
    followed. Any `with` whose target is named like a lock counts as holding one.
    """

    id = "CON002"
    VALID = (
        """
import threading
from flask import Flask, jsonify

app = Flask(__name__)
_stats = {"hits": 0}
_stats_lock = threading.Lock()

@app.route("/hit")
def hit():
    with _stats_lock:
        _stats["hits"] += 1  # ok: CON002
    return jsonify(_stats)
""",
        """
from fastapi import FastAPI

app = FastAPI()
visits = {}

@app.get("/visit/{page}")
async def visit(page: str):
    # One event-loop thread and no await in between: not a race.
    visits[page] = visits.get(page, 0) + 1  # ok: CON002
    return {"page": page, "visits": visits[page]}
""",
        """
from flask import Flask, request

app = Flask(__name__)
ALLOWED = {"png", "jpg"}

@app.post("/upload")
def upload():
    seen = {}
    for name in request.files:
        seen[name] = True  # ok: CON002
    return {"accepted": [n for n in seen if n.rsplit(".", 1)[-1] in ALLOWED]}
""",
        """
import redis
from flask import Flask

app = Flask(__name__)
store = redis.Redis(host="redis", socket_timeout=2)

@app.post("/hit/<page>")
def hit(page):
    store.hincrby("hits", page, 1)  # ok: CON002
    return "", 204
""",
        """
events = []

def record(event):
    # Not a web app: a script's state is its own.
    events.append(event)  # ok: CON002
""",
    )
    INVALID = (
        """
from flask import Flask, jsonify

app = Flask(__name__)
request_count = 0
stats = {"by_path": {}}

@app.route("/items/<item_id>")
def get_item(item_id):
    global request_count
    request_count += 1  # expect: CON002
    stats["by_path"][item_id] = stats["by_path"].get(item_id, 0) + 1  # expect: CON002
    return jsonify(id=item_id)
""",
        """
from collections import defaultdict
from fastapi import FastAPI

app = FastAPI()
orders_by_user = defaultdict(list)

@app.post("/orders")
def create_order(user_id: int, sku: str):
    orders_by_user[user_id].append(sku)  # expect: CON002
    return {"count": len(orders_by_user[user_id])}
""",
        """
from django.http import JsonResponse

recent_searches = []

def _remember(term):
    recent_searches.append(term)  # expect: CON002
    if len(recent_searches) > 100:
        del recent_searches[0]

def search(request):
    term = request.GET.get("q", "")
    _remember(term)
    return JsonResponse({"recent": recent_searches[-10:]})
""",
        """
import time
from collections import defaultdict, deque
from fastapi import Depends, FastAPI

app = FastAPI()
_recent_requests = defaultdict(deque)

def enforce_rate_limit(client_ip: str):
    window = _recent_requests[client_ip]
    while window and window[0] < time.monotonic() - 60:
        window.popleft()
    window.append(time.monotonic())  # expect: CON002

@app.get("/items", dependencies=[Depends(enforce_rate_limit)])
def list_items():
    return []
""",
        """
import threading
from aiohttp import web

_pending = []

async def ingest(request):
    _pending.append(await request.json())  # expect: CON002
    return web.json_response({"accepted": 1}, status=202)

def _flush_forever():
    while True:
        batch = list(_pending)
        _pending.clear()
        send(batch)

threading.Thread(target=_flush_forever, daemon=True).start()
app = web.Application()
app.add_routes([web.post("/readings", ingest)])
""",
    )

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self.ctx.is_web_app or self.ctx.is_test:
            return
        for scope, threaded in self.request_scopes().items():
            # On one event loop a write cannot interleave with another request's, unless threads share the state.
            if (not threaded and not self.uses_threads) or scope.acquires_lock:
                continue
            for write in self._one_write_per_container(scope.container_writes()):
                if self._is_unlocked_module_write(write):
                    self.report(write.node, f"`{write.name}` is module-level state written by a request handler "
                                            "without a lock: concurrent requests race on it and every worker "
                                            "process keeps its own copy.")

    @staticmethod
    def _one_write_per_container(writes: list[StateWrite]) -> list[StateWrite]:
        """One report per container and function: the first write that adds data, else the first write."""
        chosen: dict[str, StateWrite] = {}
        for write in writes:
            current = chosen.get(write.name)
            if current is None or (current.kind in _REMOVING_KINDS and write.kind not in _REMOVING_KINDS):
                chosen[write.name] = write
        return list(chosen.values())

    def _is_unlocked_module_write(self, write: StateWrite) -> bool:
        if write.locked or write.kind == "rebind":
            return False
        return write.kind == "global-aug" or write.name in self.module_containers
