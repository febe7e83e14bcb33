"""RES002: an in-process cache with no size bound or eviction."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import descendants, findall, is_literal, is_name, is_none, keyword
from reviewer.checks._rows import node_code
from reviewer.checks._runtime import CACHE_NAME, ModuleStateTracker, is_lookup

_UNBOUNDED_DECORATORS = frozenset({"functools.cache"})
_LRU_CACHE = frozenset({"functools.lru_cache"})
# Per-client tables in a web app: one entry per IP, API key or login name, and clients are unbounded.
_PER_CLIENT_TABLE = re.compile(
    r"rate_?limit|throttl|attempts|failed_?(logins?|lookups?|tries)|lockouts?|recent_requests|request_?counts?|"
    r"requests_?(per|by)_|hits_?(per|by)_", re.IGNORECASE)
# Writes that evict: any of these on the container anywhere in the module means it is bounded by hand.
_EVICTING_KINDS = frozenset({
    "del", "rebind", "method:pop", "method:popitem", "method:clear", "method:popleft", "method:discard",
    "method:remove",
})
# Writes that add an entry under a key: `d[k] = v`, `d[k] += 1` (defaultdict/Counter), `d.setdefault(k, v)`,
# `s.add(k)`, and `d[k].append(v)` (a defaultdict inserts `k` on access).
_GROWING_KINDS = frozenset({
    "subscript", "subscript-aug", "method:setdefault", "method:add", "method:append", "method:extend",
    "method:appendleft", "method:update",
})
# The client's network address, as web frameworks and proxies give it.
_CLIENT_ADDRESS = re.compile(r"remote_addr|x-forwarded-for|x-real-ip|client\.host|REMOTE_ADDR|peername|client_ip",
                             re.IGNORECASE)


def _client_address(key: cst.BaseExpression, fn: cst.FunctionDef) -> bool:
    """A key that is the client's address: `request.remote_addr`, or a local name assigned from it
    (`client = request.headers.get("X-Forwarded-For", request.remote_addr)`)."""
    if _CLIENT_ADDRESS.search(node_code(key)):
        return True
    if not isinstance(key, cst.Name):
        return False
    return any(isinstance(t.target, cst.Name) and t.target.value == key.value
               and _CLIENT_ADDRESS.search(node_code(n.value)) for n in findall(fn.body, (cst.Assign,)) for t in n.targets)


# Parameter annotations with a small fixed set of values: a cache keyed by them cannot grow.
def _bounded_annotation(annotation: cst.BaseExpression) -> bool:
    """`bool` or `Literal[...]` (also `typing.Literal[...]`): a small fixed set of values."""
    if is_name(annotation, "bool"):
        return True
    if not isinstance(annotation, cst.Subscript):
        return False
    value = annotation.value
    return is_name(value, "Literal") or (isinstance(value, cst.Attribute) and is_name(value.attr, "Literal"))


class UnboundedCache(ModuleStateTracker):
    """A cache that only grows: `lru_cache(maxsize=None)`/`@cache` on request-keyed code, or a module-level memo.

    ## What it does
    Reports `@functools.cache` and `@functools.lru_cache(maxsize=None)` on a method (the cache keeps
    every `self` alive as well as every result) and, in a web app, on a function that takes
    parameters; in a module of coroutines (`async def`) with no web framework of its own, on a function with a
    text parameter (`term: str`): such a module serves requests or runs in a long-lived worker. Its module
    tables are judged as a web app's. Also reports the definition of a module-level dict or set that functions add to under
    a key that is not a constant (`_cache[key] = value`, `.setdefault(key, ...)`, `seen.add(event_id)`,
    `buckets[ip].append(t)`) when nothing in the module ever evicts from it (no `.pop`, `.popitem`,
    `.clear`, `.discard`, `del d[...]`, reset, or a cap: `len(d)` compared with a limit; a `len(d)` only
    shown in a stats endpoint bounds nothing; in a web app's per-client table, a `pop` or `del` of one key, the
    address that signs in, bounds nothing either: the addresses nobody signs in with stay, and only a sweep over
    the keys, `for ip in list(d): del d[ip]`, counts), and when it is meant to
    remember: its name says cache, memo, seen, processed or dedup; or, in a web app, a function looks
    the key up before storing it (a memo table; not a tally read to be increased, `d[k] = d.get(k, 0) + 1`),
    or the name says it is a per-client table (rate limits, login attempts, failed code lookups, request
    counts), or its key is the client's address (`request.remote_addr`, `X-Forwarded-For`,
    `request.client.host`, directly or through a local name).

    ## Why is this bad?
    Keys that come from requests or messages (user ids, IPs, URLs, event ids) are unbounded: the
    container grows with every new key until the process is killed for running out of memory, usually
    at peak traffic. `maxsize=None` also disables eviction of the results, and a cached method pins
    each instance.

    ## Known limits
    The size of the key space is not known: a cache keyed by a handful of config names is reported
    too when its name says cache, unless the function turns away every key outside a constant set before the
    write (`if region not in REGIONS: raise ...`). Parameters annotated `bool` or `Literal[...]` count as bounded.
    `lru_cache(maxsize=None)(func)` applied by call, caches stored on attributes, and eviction done
    by another module are not followed. Outside web apps and modules of coroutines, `@cache` and `lru_cache(maxsize=None)` on
    plain functions are not reported, even when request handlers in another module call them with
    what a client sent (a model loader keyed by the requested model name): one file does not show
    who calls. `cachetools` caches and `lru_cache` with a size are bounded.
    """

    id = "RES002"
    VALID = (
        # One price per allowed region: every other key is turned away before the table is written.
        """
import requests

REGIONS = frozenset({"ON-GTA", "ON-EAST", "QC-MTL"})
_price_cache: dict[str, float] = {}  # ok: RES002

def diesel_price(region: str) -> float:
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    cached = _price_cache.get(region)
    if cached is not None:
        return cached
    _price_cache[region] = requests.get(PRICE_URL, params={"region": region}, timeout=5).json()["price"]
    return _price_cache[region]
""",
        """
from functools import lru_cache
from flask import Flask

app = Flask(__name__)

@lru_cache(maxsize=1024)  # ok: RES002
def load_user_profile(user_id: int) -> dict:
    return db.fetch_profile(user_id)

@lru_cache(maxsize=None)  # ok: RES002
def get_settings():
    return Settings()
""",
        """
from cachetools import TTLCache
from fastapi import FastAPI

app = FastAPI()
_price_cache = TTLCache(maxsize=10_000, ttl=300)

@app.get("/price/{sku}")
def price(sku: str):
    if sku not in _price_cache:
        _price_cache[sku] = pricing.lookup(sku)  # ok: RES002
    return {"price": _price_cache[sku]}
""",
        """
_template_cache = {}
MAX_TEMPLATES = 500

def render(name, context):
    if name not in _template_cache:
        if len(_template_cache) >= MAX_TEMPLATES:
            _template_cache.clear()
        _template_cache[name] = compile_template(name)  # ok: RES002
    return _template_cache[name].render(context)
""",
        """
_handlers = {}

def register(event):
    # A registry filled at import time, not a cache.
    def decorate(func):
        _handlers[event] = func  # ok: RES002
        return func
    return decorate
""",
        # A table keyed by the client's address: one entry per visitor, whatever it is called.
        """
from collections import defaultdict, deque
from flask import Flask, request

app = Flask(__name__)
_recent = defaultdict(deque)  # expect: RES002

@app.before_request
def throttle():
    client = request.headers.get("X-Forwarded-For", request.remote_addr)
    _recent[client].append(time.monotonic())
""",
        # A tally per poll, read to be increased: not a memo table (its replicas are CON002's and SCL001's concern).
        """
from flask import Flask, jsonify

app = Flask(__name__)
_votes = {}  # ok: RES002

@app.post("/polls/<int:poll_id>/vote")
def vote(poll_id):
    _votes[poll_id] = _votes.get(poll_id, 0) + 1
    return jsonify(votes=_votes[poll_id])
""",
        # The same table swept of old entries on each login: bounded by the window, whoever tries.
        """
import time
from flask import Flask, request

app = Flask(__name__)
_failed_logins = {}  # ok: RES002

@app.post("/login")
def login():
    now = time.time()
    for address in list(_failed_logins):
        if now - _failed_logins[address][1] > 900:
            del _failed_logins[address]
    email = request.form["email"]
    if not check_password(email, request.form["password"]):
        _failed_logins[email] = (_failed_logins.get(email, (0, now))[0] + 1, now)
        return "invalid", 401
    return "ok"
""",
    )
    INVALID = (
        # Failed gift-card lookups counted per user, never forgotten: one entry per user who ever mistyped.
        """
from collections import defaultdict
from rest_framework.response import Response
from rest_framework.views import APIView

_failed_lookups = defaultdict(int)  # expect: RES002

class BalanceView(APIView):
    def post(self, request):
        card = GiftCard.objects.filter(code=request.data["code"]).first()
        if card is None:
            _failed_lookups[request.user.pk] += 1
            return Response(status=404)
        return Response({"balance": card.balance})
""",
        # Answers kept per search; the stats endpoint shows how many there are, which bounds nothing.
        """
import time
from fastapi import APIRouter

router = APIRouter()
_results: dict = {}  # expect: RES002

@router.get("/directory")
def search(q: str = ""):
    key = q.strip().lower()
    cached = _results.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    rows = run_search(key)
    _results[key] = (time.monotonic() + 120, rows)
    return rows

@router.get("/directory/stats")
def stats():
    return {"cached_queries": len(_results)}
""",
        # A service module of coroutines: no web framework imported here, but it runs for every request.
        """
import functools

@functools.lru_cache(maxsize=None)  # expect: RES002
def normalize(term: str) -> str:
    return " ".join(term.casefold().split())

async def terms_for(conn, term):
    return await conn.fetch("SELECT * FROM glossary WHERE term = $1 LIMIT 50", normalize(term))
""",
        """
from functools import lru_cache
from fastapi import FastAPI

app = FastAPI()

@lru_cache(maxsize=None)  # expect: RES002
def geocode(address: str) -> tuple[float, float]:
    return geocoder.lookup(address)

@app.get("/distance")
def distance(a: str, b: str):
    return {"km": haversine(geocode(a), geocode(b))}
""",
        """
import functools

class ReportService:
    def __init__(self, db):
        self.db = db

    @functools.cache  # expect: RES002
    def monthly_totals(self, account_id, month):
        return self.db.totals(account_id, month)
""",
        """
import requests

_avatar_cache = {}  # expect: RES002

def avatar(user_id):
    if user_id in _avatar_cache:
        return _avatar_cache[user_id]
    data = requests.get(f"https://avatars.example.com/{user_id}", timeout=5).content
    _avatar_cache[user_id] = data
    return data
""",
        """
import json

_seen_event_ids: set[str] = set()  # expect: RES002

def on_message(channel, method, properties, body):
    event = json.loads(body)
    if event["id"] in _seen_event_ids:
        return channel.basic_ack(method.delivery_tag)
    apply_event(event)
    _seen_event_ids.add(event["id"])
    channel.basic_ack(method.delivery_tag)
""",
        """
import time
from flask import Flask, request

app = Flask(__name__)
_failed_logins: dict[str, list[float]] = {}  # expect: RES002

@app.after_request
def count_failed_logins(response):
    if request.endpoint == "login" and response.status_code == 401:
        _failed_logins.setdefault(request.remote_addr, []).append(time.time())
    return response
""",
        # Failed logins per e-mail, cleared only for the address that signs in: every address an attacker tries
        # stays for good.
        """
import time
from flask import Flask, request

app = Flask(__name__)
_failed_logins = {}  # expect: RES002

@app.post("/login")
def login():
    email = request.form["email"]
    if not check_password(email, request.form["password"]):
        _failed_logins[email] = _failed_logins.get(email, 0) + 1
        return "invalid", 401
    _failed_logins.pop(email, None)
    return "ok"
""",
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        if self.ctx.is_test:
            return
        for decorator in node.decorators:
            if self._is_unbounded_cache_decorator(decorator.decorator) and self._is_request_keyed(node):
                self.report(decorator, f"`{node.name.value}` is cached with no size limit: every distinct "
                                       "argument adds an entry that is never evicted, so memory grows until "
                                       "the process is killed.")

    def _is_unbounded_cache_decorator(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Call):
            return self.ctx.qualify(expr) in _UNBOUNDED_DECORATORS
        if self.ctx.qualify(expr.func) not in _LRU_CACHE:
            return False
        maxsize = keyword(expr, "maxsize")
        if maxsize is None and expr.args and expr.args[0].keyword is None and expr.args[0].star == "":
            maxsize = expr.args[0]
        return maxsize is not None and is_none(maxsize.value)

    def _is_request_keyed(self, node: cst.FunctionDef) -> bool:
        decorators = {getattr(d.decorator, "value", None) for d in node.decorators}
        cls = self.ctx.class_stack[-1] if self.ctx.class_stack else None
        is_method = (cls is not None and isinstance(cls.body, cst.IndentedBlock)
                     and any(statement is node for statement in cls.body.body))
        if is_method and "staticmethod" not in decorators and "classmethod" not in decorators:
            return True  # the cache holds `self` alive, whatever the arguments
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        if is_method and "classmethod" in decorators:
            params = params[1:]
        if not self.ctx.is_web_app:
            # A module of coroutines with no web framework of its own (a service a handler calls): only a text
            # parameter (`term: str`) says the key comes from requests; flags and classes are few.
            return "async def" in self.ctx.text and any(
                param.annotation is not None and is_name(param.annotation.annotation, "str") for param in params)
        if isinstance(node.params.star_arg, cst.Param) or isinstance(node.params.star_kwarg, cst.Param):
            return True
        return any(param.annotation is None or not _bounded_annotation(param.annotation.annotation)
                   for param in params)

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.ctx.is_test:
            return
        growing: dict[str, cst.CSTNode] = {}  # name -> its first growing write
        evicted: set[str] = set(self.len_bounded)  # not `len(d)` shown in a stats endpoint: that bounds nothing
        memoized: set[str] = set()
        per_client: set[str] = set()  # keyed by the client's address: one entry per visitor
        # Evictions of one key (`_failed_logins.pop(email)` after a good login) do not bound a per-client table: the
        # keys no one signs in with (every address an attacker tries) stay. A sweep over the keys does.
        own_key_evictions: set[str] = set()
        for scope in self.scopes:
            for write in scope.container_writes():
                if write.direct and write.kind in _EVICTING_KINDS:
                    key = write.key
                    popped = write.node if write.kind == "method:pop" and isinstance(write.node, cst.Call) else None
                    if key is None and popped is not None and popped.args:
                        key = popped.args[0].value  # `_failed_logins.pop(email, None)`
                    if key is not None and not _swept(key, scope.node):
                        own_key_evictions.add(write.name)
                    else:
                        evicted.add(write.name)
                elif (write.kind in _GROWING_KINDS and write.key is not None and not is_literal(write.key)
                      and not _key_allow_listed(write.key, scope.node)):
                    growing.setdefault(write.name, write.node)
                    if write.name in scope.membership_reads and not _counts_itself(write):
                        memoized.add(write.name)
                    if _client_address(write.key, scope.node):
                        per_client.add(write.name)
        # A module of coroutines serves requests or runs in a long-lived worker, as a web app's modules do.
        web_app = self.ctx.is_web_app or "async def" in self.ctx.text
        for name, (definition, kind) in self.module_containers.items():
            client_table = name in per_client or bool(_PER_CLIENT_TABLE.search(name))
            if name in own_key_evictions and not (client_table and web_app):
                evicted.add(name)
            if kind == "list" or name not in growing or name in evicted:
                continue
            if CACHE_NAME.search(name) or (web_app and (name in memoized or name in per_client
                                                         or _PER_CLIENT_TABLE.search(name))):
                # The finding spans the definition and the first write that adds a key, when that comes later.
                write = growing[name]
                later = self.line_of(write) > self.line_of(definition)
                self.report(definition, f"`{name}` only grows: entries are added per key and never evicted, so "
                                        "memory grows with every new key until the process is killed.",
                            end_node=write if later else None)


def _swept(key: cst.BaseExpression, fn: cst.CSTNode | None) -> bool:
    """The evicted key is a loop's variable (`for ip in list(_attempts): ... del _attempts[ip]`): a sweep."""
    if not isinstance(key, cst.Name) or fn is None:
        return True  # not one request's own key: taken as a sweep, as before
    return any(isinstance(loop.target, cst.Name) and loop.target.value == key.value
               or (isinstance(loop.target, cst.Tuple) and any(is_name(el.value, key.value)
                                                              for el in loop.target.elements))
               for loop in findall(fn, cst.For))


def _key_allow_listed(key: cst.BaseExpression, fn: cst.FunctionDef | None) -> bool:
    """The function turns away every key outside a constant set first (`if region not in REGIONS: raise ...`):
    the table holds at most one entry per allowed key."""
    if not isinstance(key, cst.Name) or not isinstance(fn, cst.FunctionDef):
        return False
    for node in findall(fn.body, cst.If):
        test = node.test
        if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
                and isinstance(test.comparisons[0].operator, cst.NotIn) and is_name(test.left, key.value)
                and isinstance(allowed := test.comparisons[0].comparator, cst.Name) and allowed.value.isupper()
                and isinstance(node.body, cst.IndentedBlock) and node.body.body
                and isinstance(last := node.body.body[-1], cst.SimpleStatementLine)
                and isinstance(last.body[-1], (cst.Raise, cst.Return))):
            return True
    return False


def _counts_itself(write) -> bool:
    """`d[k] += 1`, `d[k] = d.get(k, 0) + 1`: a tally kept in the table, read to be increased, not a memo that
    saves recomputing a result (its growth is judged by what keys it, as for any table)."""
    if write.kind == "subscript-aug":
        return True
    node = write.node
    return (write.kind == "subscript" and isinstance(node, cst.Assign)
            and any(is_lookup(part, write.name) for part in descendants(node.value)))
