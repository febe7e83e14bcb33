"""SCL001: sessions, rate limits, tokens or per-user caches kept in a module-level container of a web app."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import descendants, is_literal
from reviewer.checks._runtime import CACHE_NAME, ModuleStateTracker, is_lookup, returns_lookup

# Names that say the container holds state every replica must agree on.
_SHARED_STATE_NAME = re.compile(
    r"sessions?(_|$|store|data|by)|rate_?limit|throttl|request_?counts?|requests_?(per|by)_|hits_?(per|by)_|"
    r"login_?attempts?|failed_?(logins?|attempts?)|lockouts?|(^|_)attempts$|tokens?($|_)|"
    r"blacklist|blocklist|denylist|revoked|(^|_)carts?($|_)|baskets?($|_)|users?_?cache|cache_?(per|by)_?user|"
    r"(^|_)otps?($|_)|reset_?codes?|verification_?codes?|nonces?($|_)",
    re.IGNORECASE,
)


class InProcessSharedState(ModuleStateTracker):
    """Per-user or per-client state (sessions, rate limits, tokens, flags) in a module-level dict of a web app.

    ## What it does
    In a web app, reports the definition of a module-level dict or set (the finding spans it and the first
    write made while serving a request) (literal, `dict()`,
    `defaultdict`, `Counter`, `OrderedDict`) that request-serving code writes under a key that is not
    a constant (`last_seen[user_id] = now`, `carts.setdefault(sid, [])`, `buckets[ip].append(t)`,
    `revoked.add(token)`): per-user or per-client state. A dict, set or list whose name says it holds
    sessions, rate-limit counters, request counts per client, login attempts and lockouts, issued or
    revoked tokens, one-time codes, carts or per-user caches is reported when any function of the
    module writes it. "Request-serving code" is the same as for CON002: handlers, request hooks,
    functions registered by call, and the module-level functions they call.

    ## Why is this bad?
    Production runs several worker processes and several replicas behind a load balancer; each has
    its own copy of the dict. A user logged in on one replica is logged out on the next request, a
    rate limit of 5 per minute becomes 5 per minute per process, a revoked token stays valid on the
    other replicas, a flag toggled through one replica is unchanged on the others, and everything is
    lost on every deploy or restart.

    ## Known limits
    A counter keyed by a constant (`stats["hits"] += 1`) and a list used as a buffer are not
    reported here (CON002 covers the race). A cache (a memo table looked up before it is stored to,
    or a container named cache or memo) is not reported unless its name says it holds per-user
    state (`user_cache`): each process may keep its own copy of data that may be stale without harm,
    so a per-process cache of data that must not be stale (permissions, prices) is missed; RES002
    judges its growth. Nor is a buffer that a function outside request handling empties (`.clear()`,
    `.popitem()`, rebinding), such as counts flushed to the database every few seconds: each process
    adding up its share is correct (CON002 judges the race on it). Stores behind an attribute
    (`app.sessions`) or a class attribute are not followed.
    """

    id = "SCL001"
    VALID = (
        # A memo table: each process may keep its own copy of route durations (RES002 judges its growth).
        """
import requests
from fastapi import FastAPI

app = FastAPI()
_route_seconds: dict[tuple, float] = {}  # ok: SCL001

def route_duration(origin, destination):
    key = (origin, destination)
    if key in _route_seconds:
        return _route_seconds[key]
    seconds = requests.get(ROUTER, params={"a": origin, "b": destination}, timeout=5).json()["seconds"]
    _route_seconds[key] = seconds
    return seconds

@app.get("/eta")
def eta(origin: str, destination: str):
    return {"seconds": route_duration(origin, destination)}
""",
        # Counts buffered per process and flushed to the database by a background loop.
        """
import threading
from collections import Counter
from flask import Blueprint

bp = Blueprint("tracking", __name__)
_opens: Counter = Counter()  # ok: SCL001
_lock = threading.Lock()

@bp.get("/o/<int:campaign_id>.gif")
def track_open(campaign_id):
    with _lock:
        _opens[campaign_id] += 1
    return PIXEL

def flush_opens():
    with _lock:
        pending = dict(_opens)
        _opens.clear()
    store_counts(pending)
""",
        """
import redis
from flask import Flask, request, abort

app = Flask(__name__)
rate_limits = redis.Redis(host="redis", socket_timeout=1)  # ok: SCL001

@app.before_request
def limit():
    key = f"rl:{request.remote_addr}"
    if rate_limits.incr(key) > 100:
        abort(429)
    rate_limits.expire(key, 60)
""",
        """
from fastapi import FastAPI

app = FastAPI()
ALLOWED_TOKENS_TYPES = {"access", "refresh"}  # ok: SCL001

@app.get("/token-types")
def token_types():
    return sorted(ALLOWED_TOKENS_TYPES)
""",
        """
from flask import Flask

app = Flask(__name__)
stats = {"requests": 0}  # ok: SCL001
recent_paths = []  # ok: SCL001

@app.get("/ping")
def ping():
    # Process-local metrics and a debug buffer: CON002's race, not state each user relies on.
    stats["requests"] += 1
    recent_paths.append("/ping")
    return "pong"
""",
        """
sessions = {}  # ok: SCL001

def remember(sid, user):
    # A command-line tool, not a web app: one process, nothing to share.
    sessions[sid] = user
""",
    )
    INVALID = (
        """
import secrets
from flask import Flask, request, jsonify

app = Flask(__name__)
sessions = {}  # expect: SCL001

@app.post("/login")
def login():
    user = check_password(request.json["user"], request.json["password"])
    sid = secrets.token_urlsafe(32)
    sessions[sid] = user.id
    return jsonify(sid=sid)
""",
        """
import time
from collections import defaultdict
from fastapi import FastAPI, HTTPException, Request

app = FastAPI()
login_attempts: dict[str, list[float]] = defaultdict(list)  # expect: SCL001

def too_many_attempts(ip: str) -> bool:
    now = time.time()
    login_attempts[ip] = [t for t in login_attempts[ip] if now - t < 300]
    login_attempts[ip].append(now)
    return len(login_attempts[ip]) > 5

@app.post("/login")
async def login(request: Request):
    if too_many_attempts(request.client.host):
        raise HTTPException(status_code=429)
""",
        """
from django.http import JsonResponse

revoked_tokens = set()  # expect: SCL001

def logout(request):
    revoked_tokens.add(request.headers["Authorization"])
    return JsonResponse({"ok": True})
""",
        """
from flask import Blueprint, jsonify, request

flags_bp = Blueprint("flags", __name__)
_flags = {"new_checkout": False}  # expect: SCL001

@flags_bp.route("/ops/flags/<name>", methods=["PUT"])
def set_flag(name):
    # Toggled on the replica that got this request; the others keep serving the old value.
    _flags[name] = bool(request.json["enabled"])
    return jsonify(_flags)
""",
        # A count per game kept in the process, read back in the answer: a counter, not a memo table.
        """
from flask import Blueprint, jsonify

bp = Blueprint("dashboard", __name__)
_hints: dict[int, int] = {}  # expect: SCL001

@bp.post("/sessions/<int:session_id>/hint")
def give_hint(session_id: int):
    _hints[session_id] = _hints.get(session_id, 0) + 1
    return jsonify(session_id=session_id, hints=_hints[session_id])
""",
        # A Flask service module with no routes of its own: `_message` reads the request's globals, so `publish`,
        # which calls it, runs while a request is served, and so does the counter it updates.
        """
from datetime import date
from flask import current_app, g

_sms_sent: dict[tuple[int, date], int] = {}  # expect: SCL001

def _sms_allowed(customer_id):
    key = (customer_id, date.today())
    sent = _sms_sent.get(key, 0)
    if sent >= current_app.config["SMS_DAILY_LIMIT"]:
        return False
    _sms_sent[key] = sent + 1
    return True

def _message(customer_id, kind):
    return {"customer_id": customer_id, "kind": kind, "request_id": g.get("request_id")}

def publish(customer_id, kind):
    channel = "sms" if _sms_allowed(customer_id) else "email"
    queue.send(_message(customer_id, kind), channel)
""",
    )

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self.ctx.is_web_app or self.ctx.is_test:
            return
        written_anywhere: set[str] = set()
        keyed_per_request: set[str] = set()
        memo_tables: set[str] = set()
        request_scopes = self.request_scopes()
        drained: set[str] = set()
        handler_write: dict[str, cst.CSTNode] = {}  # name -> its last write while serving a request
        last_write: dict[str, cst.CSTNode] = {}  # name -> its last write elsewhere (a helper the handlers call)
        for scope in self.scopes:
            for write in scope.container_writes():
                if write.kind in ("rebind", "method:clear", "method:popitem") and scope not in request_scopes:
                    drained.add(write.name)  # emptied by a background flush: a write-behind buffer
                if write.kind == "rebind":
                    continue
                written_anywhere.add(write.name)
                if scope in request_scopes:
                    if write.name not in handler_write or self.line_of(write.node) > self.line_of(handler_write[write.name]):
                        handler_write[write.name] = write.node
                elif write.name not in last_write or self.line_of(write.node) > self.line_of(last_write[write.name]):
                    last_write[write.name] = write.node
                if scope in request_scopes and write.key is not None and not is_literal(write.key):
                    keyed_per_request.add(write.name)
                    if returns_lookup(scope.node, write.name) and not _counts(write):
                        memo_tables.add(write.name)  # `if key in d: return d[key]` ... `d[key] = value`
        for name, (definition, kind) in self.module_containers.items():
            named_for_it = _SHARED_STATE_NAME.search(name) is not None and name in written_anywhere
            if not named_for_it and (name in memo_tables or name in drained or CACHE_NAME.search(name)):
                continue  # a cache: each process may hold its own copy; RES002 judges its growth
            # A list written per request is a buffer or a log (REL005, CON002), not state looked up by key.
            if named_for_it or (kind != "list" and name in keyed_per_request):
                # The finding spans the definition and the last write made while serving a request, or else
                # the last write in a helper of the module (`check_pin()` recording a failed attempt).
                write = handler_write.get(name, last_write.get(name))
                later = write is not None and self.line_of(write) > self.line_of(definition)
                self.report(definition, f"`{name}` keeps per-user state in this process's memory: every worker "
                                        "and replica has its own copy, so it disagrees across requests and is "
                                        "lost on restart.", end_node=write if later else None)


def _counts(write) -> bool:
    """`d[k] += 1`, `d[k] = d.get(k, 0) + 1`: a value kept up to date from the old one (a counter, a total), not a
    memo table filled once on a miss."""
    if write.kind == "subscript-aug":
        return True
    value = write.node.value if isinstance(write.node, cst.Assign) else None
    return value is not None and any(is_lookup(node, write.name) for node in descendants(value))
