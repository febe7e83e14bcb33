"""CON002: module-level mutable state written by request handlers without a lock."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import is_name, own_nodes
from reviewer.checks._runtime import FunctionScope, ModuleStateTracker, StateWrite, is_lookup, returns_lookup

_REMOVING_KINDS = frozenset({
    "del", "method:pop", "method:popitem", "method:popleft", "method:clear", "method:remove", "method:discard",
})
# Calls that walk a whole container: a concurrent insert makes them fail ("dictionary changed size").
_WALKING_METHODS = frozenset({"items", "keys", "values", "copy"})


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
    `add_url_rule(view_func=f)`, `Depends(f)`), and the module-level functions these call by name (coroutine
    functions too: awaited or made a task) or hand to a thread (`asyncio.to_thread(f, ...)`,
    `Thread(target=f)`, `executor.submit(f, ...)`; such a thread updating the entry its handler added is the
    handler's finding). In a Flask service module with no routes, a function that reads `flask.request` or
    `flask.g`, and any function of the module that calls one, runs while a request is served too.
    Writes under `with <lock>:` or in a function that calls `.acquire()` are not reported. A plain
    `d[k] = v` (one key set to a value not computed from `d`) is reported only when it can race:
    when the module reads the container whole (iterates it, calls `.items()`/`.values()`, `len(d)`,
    passes or returns it), when the same function looks the key up first (`k in d`, `d.get(k)`:
    check-then-act), or when other functions change the container too; a memo table filled on a
    miss (`v = d.get(k)`, then `v = compute(); d[k] = v`, or `if k in d: return d[k]`, then
    `d[k] = compute()`) or a token table only read by key elsewhere is not. One finding per container and
    handler; a handler that only removes entries (`logout` popping a session) is not reported when another
    handler adds them: it is the same race, reported where the data is added.

    ## Why is this bad?
    Threaded servers run handlers concurrently: a read-modify-write such as `counter += 1` or
    `stats[k] = stats.get(k, 0) + 1` loses updates under load, and check-then-set sequences corrupt the
    data. The state also lives in one process: each worker and each replica has its own copy, so the
    numbers disagree and vanish on restart.

    ## Known limits
    Writes from async handlers are reported only when the module also hands work to threads
    (`threading.Thread`, executors, `asyncio.to_thread`) or a handler that runs on a thread (a plain `def`
    endpoint) writes the same container, or when the coroutine tests what the container holds, awaits, and then
    writes it (`if _runs.get(zone, 0) > now: return 409`, `await forecast(...)`, `_runs[zone] = ...`; not a memo
    that returns what it looked up): on one event loop a write with no `await` between the test and itself cannot
    interleave with another request's (the per-process copy is SCL001's concern). Plain rebinding (`global config; config = load()`) is not reported. State reached
    through attributes (`app.state.x[k] = v`, `self.cache[k]`) and helpers called as methods are not
    followed. Any `with` whose target is named like a lock counts as holding one. A plain `d[k] = v`
    whose value is computed in a helper from `d` is taken as not computed from `d`.
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
        """
import secrets
from flask import Flask, jsonify, request

app = Flask(__name__)
_thumbnails = {}
_api_tokens = {}

def thumbnail(product):
    data = _thumbnails.get(product.id)
    if data is None:
        data = render_thumbnail(product)
        _thumbnails[product.id] = data  # ok: CON002
    return data

@app.post("/tokens")
def issue_token():
    token = secrets.token_urlsafe(32)
    _api_tokens[token] = request.json["client_id"]  # ok: CON002
    return jsonify(token=token)

@app.get("/whoami")
def whoami():
    return jsonify(client=_api_tokens.get(request.headers.get("X-Token", "")))
""",
        # A memo table answered from on a hit: two requests that miss together store the same value twice.
        """
import requests
from flask import Flask, jsonify

app = Flask(__name__)
_rates_by_currency = {}

def _rate(currency):
    if currency in _rates_by_currency:
        return _rates_by_currency[currency]
    response = requests.get(f"https://rates.example.com/{currency}", timeout=5)
    _rates_by_currency[currency] = response.json()["rate"]  # ok: CON002
    return _rates_by_currency[currency]

@app.get("/price/<currency>")
def price(currency):
    return jsonify(price=100 * _rate(currency))
""",
        # A memo filled on a miss across an await stores the same value twice at worst.
        """
from fastapi import FastAPI

app = FastAPI()
_rates: dict[str, float] = {}

@app.get("/rates/{code}")
async def rate(code: str):
    cached = _rates.get(code)
    if cached is not None:
        return cached
    fetched = await fetch_rate(code)
    _rates[code] = fetched  # ok: CON002
    return fetched
""",
    )
    INVALID = (
        # The test and the write are split by an await: a second request passes the test while the first waits.
        """
import time
from fastapi import FastAPI, HTTPException

app = FastAPI()
_busy_until: dict[int, float] = {}

@app.post("/ovens/{oven_id}/bake")
async def bake(oven_id: int, minutes: int):
    now = time.monotonic()
    if _busy_until.get(oven_id, 0) > now:
        raise HTTPException(409, "oven busy")
    await preheat(oven_id)
    _busy_until[oven_id] = now + minutes * 60  # expect: CON002
    return {"oven": oven_id}
""",
        # The handler's task hands the sender to a worker thread: two threads count into one dict.
        """
import asyncio
from collections import defaultdict
from fastapi import APIRouter

router = APIRouter()
_sent_today = defaultdict(int)

def send_sms(phone, text):
    gateway.send(phone, text)
    _sent_today[phone] += 1  # expect: CON002
    return True

async def _broadcast(phones, text):
    for phone in phones:
        await asyncio.to_thread(send_sms, phone, text)

@router.post("/alerts")
async def alert(body: Alert):
    asyncio.create_task(_broadcast(body.phones, body.text))
    return {"queued": True}
""",
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
        """
import time
from flask import Flask, jsonify, request

app = Flask(__name__)
_heartbeats = {}
_usernames = {}
_last_ping = {}

@app.post("/heartbeat/<int:device_id>")
def heartbeat(device_id):
    _heartbeats[device_id] = time.time()  # expect: CON002
    return "", 204

@app.get("/devices/online")
def online():
    cutoff = time.time() - 60
    return jsonify([d for d, seen in _heartbeats.items() if seen > cutoff])

@app.post("/ping")
def ping():
    now = time.time()
    last = _last_ping.get(request.remote_addr)
    if last is not None and now - last < 1:
        return jsonify(error="slow down"), 429
    _last_ping[request.remote_addr] = now  # expect: CON002
    return "", 204

@app.post("/register")
def register():
    name = request.json["name"]
    if name in _usernames:
        return jsonify(error="taken"), 409
    _usernames[name] = request.json["email"]  # expect: CON002
    return jsonify(name=name), 201
""",
        # An async handler adds holds that a plain `def` handler (run on FastAPI's threadpool) removes.
        """
from fastapi import APIRouter

router = APIRouter()
_holds: dict[tuple[int, int], int] = {}

@router.post("/series/{series_id}/holds")
async def hold_seats(series_id: int, seat_ids: list[int], patron_id: int):
    for seat_id in seat_ids:
        _holds[(series_id, seat_id)] = patron_id  # expect: CON002
    return {"held": seat_ids}

@router.post("/series/{series_id}/checkout")
def checkout(series_id: int, seat_ids: list[int]):
    for seat_id in seat_ids:
        _holds.pop((series_id, seat_id), None)
    return {"ok": True}
""",
        # A Flask service module with no routes of its own: `_message` reads the request's globals, so `publish`,
        # which calls it, runs while a request is served, and so does the counter it updates.
        """
from datetime import date
from flask import current_app, g

_sms_sent: dict[tuple[int, date], int] = {}

def _sms_allowed(customer_id):
    key = (customer_id, date.today())
    sent = _sms_sent.get(key, 0)
    if sent >= current_app.config["SMS_DAILY_LIMIT"]:
        return False
    _sms_sent[key] = sent + 1  # expect: CON002
    return True

def _message(customer_id, kind):
    return {"customer_id": customer_id, "kind": kind, "request_id": g.get("request_id")}

def publish(customer_id, kind):
    channel = "sms" if _sms_allowed(customer_id) else "email"
    queue.send(_message(customer_id, kind), channel)
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Names read whole somewhere in the module: iterated, copied, sized, serialised, passed on or returned.
        self._read_whole: set[str] = set()
        # For each `d[k] = value` statement: the names its value is computed from, through local variables.
        self._value_sources: dict[cst.CSTNode, set[str]] = {}
        # Per function: local name -> the names its current value was computed from.
        self._derived: dict[FunctionScope, dict[str, set[str]]] = {}
        # Per function: local name -> the container it was read from with `.get(k)` (a memo table's lookup).
        self._looked_up: dict[FunctionScope, dict[str, str]] = {}
        # Per function: containers answered from on a hit (`if k in d: return d[k]`), a memo table's lookup.
        self._answered_from: dict[FunctionScope, set[str]] = {}

    # --- what a plain `d[k] = v` races with ---------------------------------------
    def _sources(self, expr: cst.BaseExpression) -> set[str]:
        scope = self.scope
        derived = self._derived.get(scope, {}) if scope is not None else {}
        found: set[str] = set()
        for node in own_nodes(expr):
            if isinstance(node, cst.Name):
                found.add(node.value)
                found |= derived.get(node.value, set())
        return found

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.scope
        if scope is not None:
            sources = self._sources(node.value)
            for target in node.targets:
                if isinstance(target.target, cst.Subscript):
                    self._value_sources[node] = sources
                elif isinstance(target.target, cst.Name):
                    self._derived.setdefault(scope, {})[target.target.value] = sources
                    value = node.value
                    if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                            and value.func.attr.value == "get" and isinstance(value.func.value, cst.Name)):
                        self._looked_up.setdefault(scope, {})[target.target.value] = value.func.value.value
        super().visit_Assign(node)

    def visit_If(self, node: cst.If) -> None:
        test, scope = node.test, self.scope
        if scope is None or not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return
        comparison = test.comparisons[0]
        if not isinstance(comparison.operator, cst.In) or not isinstance(comparison.comparator, cst.Name):
            return
        container = comparison.comparator.value
        if any(isinstance(n, cst.Return) and isinstance(n.value, cst.Subscript) and isinstance(n.value.value, cst.Name)
               and n.value.value.value == container for n in own_nodes(node.body)):
            self._answered_from.setdefault(scope, set()).add(container)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        scope = self.scope
        if scope is not None and isinstance(node.target, cst.Name):
            derived = self._derived.setdefault(scope, {})
            derived[node.target.value] = derived.get(node.target.value, set()) | self._sources(node.value)
        super().visit_AugAssign(node)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value in _WALKING_METHODS
                and isinstance(func.value, cst.Name)):
            self._read_whole.add(func.value.value)
        for arg in node.args:
            self._note_whole_values(arg.value)

    def _note_whole_values(self, expr: cst.BaseExpression) -> None:
        """`f(d)`, `jsonify({"flags": d})`, `f([d, e])`: the container itself is handed on (and walked)."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Name):
                self._read_whole.add(node.value)
            elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
                stack.extend(el.value for el in node.elements)
            elif isinstance(node, cst.Dict):
                stack.extend(el.value for el in node.elements)

    def visit_For(self, node: cst.For) -> None:
        super().visit_For(node)
        if isinstance(node.iter, cst.Name):
            self._read_whole.add(node.iter.value)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if isinstance(node.iter, cst.Name):
            self._read_whole.add(node.iter.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._note_whole_values(node.value)

    def _races(self, scope: FunctionScope, write: StateWrite, writers: dict[str, set[FunctionScope]]) -> bool:
        """A plain `d[k] = v` of a value not computed from `d` races only with a reader of the whole container
        (iteration fails when it changes size), with a `k in d` or `d.get(k)` test before it in the same
        function (check-then-act), or with other functions that change the container too. Setting one key
        from one place is atomic, a lookup by key elsewhere sees the old value or the new one, and a memo
        table filled on a miss (`v = d.get(k)`, then `v = compute(); d[k] = v`) stores the same value twice
        at worst."""
        if write.kind != "subscript" or not write.direct:
            return True
        name = write.name
        if (name in self._read_whole or name in self.len_checked or name in self._value_sources.get(write.node, ())
                or len(writers.get(name, ())) > 1):
            return True
        if name not in scope.membership_reads:
            return False
        value = write.node.value if isinstance(write.node, cst.Assign) else None
        memo_fill = (isinstance(value, cst.Name) and self._looked_up.get(scope, {}).get(value.value) == name
                     or name in self._answered_from.get(scope, ()))
        return not memo_fill

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self.ctx.is_web_app or self.ctx.is_test:
            return
        writers: dict[str, set[FunctionScope]] = {}
        for scope in self.scopes:
            for write in scope.container_writes():
                writers.setdefault(write.name, set()).add(scope)
        requests = self.request_scopes()
        # Containers a handler running on a thread (a plain `def` under FastAPI's threadpool, any Flask or Django
        # view) writes: an async handler's write to one of them races with that thread's.
        threaded_writes = {write.name for scope, threaded in requests.items() if threaded
                           for write in scope.container_writes()}
        # Each chosen write with the function that makes it.
        chosen: list[tuple[StateWrite, FunctionScope]] = []
        for scope, threaded in requests.items():
            # On one event loop a write cannot interleave with another request's, unless threads share the state.
            if scope.acquires_lock:
                continue
            writes = [write for write in scope.container_writes()
                      if (threaded or self.uses_threads or write.name in threaded_writes
                          or _awaits_between_read_and_write(scope.node, write))
                      and self._races(scope, write, writers) and self._is_unlocked_module_write(write)]
            chosen += [(write, scope) for write in self._one_write_per_container(writes)]
        # A handler that only removes an entry (`logout` popping a session) is the same race as the handler that
        # adds it, which is where it is reported.
        adding = {write.name for write, _ in chosen if write.kind not in _REMOVING_KINDS}
        # A function a handler hands to a thread (`Thread(target=_build_export)`) that updates the entry the handler
        # added is that same race, reported at the handler.
        thread_targets = {name for scope in requests for name in scope.threaded_names}
        by_handlers = {write.name for write, scope in chosen if scope.node.name.value not in thread_targets}
        for write, scope in chosen:
            if write.kind in _REMOVING_KINDS and write.name in adding:
                continue
            if write.name in by_handlers and scope.node.name.value in thread_targets:
                continue
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


def _awaits_between_read_and_write(function: cst.FunctionDef, write: StateWrite) -> bool:
    """A coroutine tests what the container holds, awaits, then writes it (`if _runs.get(zone, 0) > now: 409`,
    `await _forecast(...)`, `_runs[zone] = ...`): while it waits, another request passes the same test, so even one
    event loop interleaves the two. A memo filled on a miss (the function returns what it looked up) stores the
    same value twice at worst."""
    if function.asynchronous is None or returns_lookup(function, write.name):
        return False
    tested: set[str] = set()  # local names holding what was read: `recent = [... _fails.get(ip, []) ...]`
    checked = waited = False
    for node in own_nodes(function.body):
        if node is write.node:
            return waited
        if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) \
                and any(_reads_container(inner, write.name) for inner in own_nodes(node.value)):
            tested.add(node.targets[0].target.value)
        elif isinstance(node, (cst.If, cst.While)) and not checked:
            checked = any(_reads_container(inner, write.name) or (isinstance(inner, cst.Name) and inner.value in tested)
                          for inner in own_nodes(node.test))
        elif checked and isinstance(node, cst.Await):
            waited = True
    return False


def _reads_container(node: cst.CSTNode, name: str) -> bool:
    """`name[k]`, `name.get(k)` (a lookup), or `k in name`."""
    if isinstance(node, cst.Comparison):
        return any(isinstance(t.operator, (cst.In, cst.NotIn)) and is_name(t.comparator, name) for t in node.comparisons)
    return is_lookup(node, name)
