"""Shared helpers for the runtime checks: module-level containers, who writes them, locks, scopes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from reviewer.checks._base import (FileContext, PythonCheck, attribute_path, decorator_name, descendants, keyword,
                                   own_nodes)
from reviewer.checks._data import handed_function

# Constructors of containers that can grow or change at run time.
_CONTAINER_FACTORIES = {
    "dict": "dict", "list": "list", "set": "set",
    "collections.defaultdict": "dict", "collections.OrderedDict": "dict", "collections.Counter": "dict",
    "collections.deque": "list",
}
_CONTAINER_LITERALS: dict[type, str] = {
    cst.Dict: "dict", cst.DictComp: "dict", cst.List: "list", cst.ListComp: "list", cst.Set: "set", cst.SetComp: "set",
}
# Methods that change a dict, list, set or deque in place.
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "update", "pop", "popitem", "setdefault", "add", "clear", "remove",
    "discard", "appendleft", "extendleft", "popleft", "difference_update", "intersection_update",
})
# Words in a `with` target that say a lock is held: `with lock:`, `with self._stats_lock:`, `with mutex:`,
# `with redis.lock(key):`, `with threading.RLock():`.
_LOCK_WORDS = frozenset({"lock", "rlock", "mutex", "semaphore", "sem", "boundedsemaphore", "condition"})

THREAD_CONSTRUCTORS = frozenset({
    "threading.Thread", "threading.Timer", "multiprocessing.Process", "multiprocessing.context.Process",
})

# Names that say a container remembers things: caches, memo tables, sets of ids already seen.
# (`seen_ids` and `_processed` remember; `last_seen` is a timestamp.)
CACHE_NAME = re.compile(r"cache|memo|dedup|(^_*|_)(seen|processed|visited)(_|$)(?<!last_seen)", re.IGNORECASE)


def thread_target(call: cst.Call, ctx: FileContext) -> str | None:
    """The module function a call runs on another thread: `asyncio.to_thread(f, ...)`,
    `loop.run_in_executor(None, f, ...)`, `threading.Thread(target=f)`, `executor.submit(f, ...)`."""
    handed = handed_function(call, ctx)
    if handed is not None:
        return handed.func.value if isinstance(handed.func, cst.Name) else None
    if ctx.qualify(call.func) in THREAD_CONSTRUCTORS:
        target = keyword(call, "target")
        return target.value.value if target is not None and isinstance(target.value, cst.Name) else None
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "submit" and call.args \
            and isinstance(call.args[0].value, cst.Name):
        return call.args[0].value.value
    return None


def container_kind(expr: cst.BaseExpression | None, ctx: FileContext) -> str | None:
    """"dict", "list" or "set" when the expression builds a mutable container, else None."""
    if expr is None:
        return None
    for literal, kind in _CONTAINER_LITERALS.items():
        if isinstance(expr, literal):
            return kind
    if isinstance(expr, cst.Call):
        return _CONTAINER_FACTORIES.get(ctx.qualify(expr.func) or "")
    return None


def root_name(expr: cst.BaseExpression) -> str | None:
    """`stats` for `stats`, `stats[k]` and `stats[a][b]`; None for anything reached through an attribute."""
    while isinstance(expr, cst.Subscript):
        expr = expr.value
    return expr.value if isinstance(expr, cst.Name) else None


def first_subscript_key(expr: cst.Subscript) -> cst.BaseExpression | None:
    element = expr.slice[0].slice if expr.slice else None
    return element.value if isinstance(element, cst.Index) else None


def is_lock_expression(expr: cst.BaseExpression, ctx: FileContext) -> bool:
    target = expr.func if isinstance(expr, cst.Call) else expr
    text = f"{attribute_path(target) or ''}.{ctx.qualify(target) or ''}".lower()
    return any(word in _LOCK_WORDS or (word.endswith("lock") and not word.endswith("clock"))
               for word in re.split(r"[._()]+", text))


def bound_names(target: cst.BaseExpression) -> list[str]:
    """The plain names a target binds: `a`, `a, b`, `[a, *rest]`."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: list[str] = []
        for element in target.elements:
            value = element.value
            names.extend(bound_names(value))
        return names
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []


def param_names(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def positional_arg(call: cst.Call, index: int) -> cst.Arg | None:
    """The call's `index`-th positional argument (keywords and `*args` left out)."""
    positional = [arg for arg in call.args if arg.keyword is None and arg.star == ""]
    return positional[index] if len(positional) > index else None


_WRITE_MODE_LETTERS = frozenset("wax+")


def write_mode(call: cst.Call) -> cst.SimpleString | None:
    """The literal mode of `open(path, "w")` / `open(path, mode="ab")` when it writes, else None."""
    mode = keyword(call, "mode") or positional_arg(call, 1)
    if mode is None or not isinstance(mode.value, cst.SimpleString):
        return None
    text = mode.value.evaluated_value
    return mode.value if isinstance(text, str) and set(text) & _WRITE_MODE_LETTERS else None


# App factories: `def create_app(): app = Flask(__name__) ... return app` runs once in every worker process.
APP_FACTORIES = frozenset({"create_app", "make_app", "build_app", "app_factory", "get_app", "init_app", "setup_app"})


def runs_until_shutdown(loop: cst.While) -> bool:
    """`while True:` or `while not stop.is_set():`: a worker's main loop, which ends only with the process."""
    test = loop.test
    if isinstance(test, cst.Name):
        return test.value == "True"
    return (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
            and isinstance(test.expression, cst.Call) and isinstance(test.expression.func, cst.Attribute)
            and test.expression.func.attr.value == "is_set")


def short_name(qualified: str) -> str:
    return qualified.replace("().", ".")


# Decorators of functions that run on every request without being routes.
_REQUEST_HOOKS = frozenset({
    "before_request", "after_request", "before_app_request", "after_app_request", "teardown_request",
    "middleware", "url_value_preprocessor",
})
_FLASK_REQUEST = frozenset({"flask.request", "flask.g"})
# Calls that register a function as a handler: `web.post("/x", handle)`, `app.add_url_rule(..., view_func=f)`,
# `router.add_api_route("/x", f)`, Django's `path("x/", view)`, FastAPI's `Depends(check_quota)`.
_REGISTERING_CALLS = frozenset({
    "django.urls.path", "django.urls.re_path", "django.conf.urls.url", "fastapi.Depends", "fastapi.params.Depends",
    "fastapi.Security",
})
_REGISTERING_METHODS = frozenset({
    "add_url_rule", "add_api_route", "add_api_websocket_route", "add_route", "add_get", "add_post", "add_put",
    "add_patch", "add_delete", "add_view", "add_websocket_route",
})
_HANDLER_KEYWORDS = frozenset({"view_func", "handler", "endpoint", "view", "dependency"})
_AIOHTTP_ROUTES = frozenset(f"aiohttp.web.{verb}" for verb in (
    "get", "post", "put", "patch", "delete", "head", "options", "route", "view"))
# Work handed to other threads: module state touched from async code may then race with them.
_THREAD_STARTERS = frozenset({
    "threading.Thread", "threading.Timer", "concurrent.futures.ThreadPoolExecutor", "asyncio.to_thread",
})


@dataclass
class StateWrite:
    """One write to a name that may be module state: `d[k] = v`, `d[k] += 1`, `del d[k]`, `d.append(x)`."""

    name: str
    node: cst.CSTNode
    # subscript, subscript-aug, del, method:<name>, global-aug (`x += 1` under `global x`), rebind (`x = ...` under `global x`)
    kind: str
    locked: bool
    key: cst.BaseExpression | None = None
    # False when the write reaches the container through `d[k].append(...)` or a local alias of `d[k]`.
    direct: bool = True


@dataclass(eq=False)
class FunctionScope:
    """What one function does to names it may share with the module."""

    node: cst.FunctionDef
    parent: FunctionScope | None
    is_handler: bool
    top_level: bool
    declared_global: set[str] = field(default_factory=set)
    local_names: set[str] = field(default_factory=set)
    writes: list[StateWrite] = field(default_factory=list)
    membership_reads: set[str] = field(default_factory=set)
    called_names: set[str] = field(default_factory=set)
    # Functions it hands to a thread (`asyncio.to_thread(f, ...)`, `Thread(target=f)`, `pool.submit(f, ...)`).
    threaded_names: set[str] = field(default_factory=set)
    # local name -> (container name, key): `window = buckets[ip]` makes `window.append(t)` a write to `buckets`.
    aliases: dict[str, tuple[str, cst.BaseExpression | None]] = field(default_factory=dict)
    acquires_lock: bool = False
    in_request: bool = False  # reads Flask's `request` or `g`: it runs while a request is served

    @property
    def is_async(self) -> bool:
        return self.node.asynchronous is not None

    def refers_to_module(self, name: str) -> bool:
        """Whether `name` inside this function means the module-level name (Python's scoping, simplified)."""
        scope: FunctionScope | None = self
        while scope is not None:
            if name in scope.declared_global:
                return True
            if name in scope.local_names:
                return False
            scope = scope.parent
        return True

    def container_writes(self) -> list[StateWrite]:
        """Writes that reach module-level names, with writes through local aliases mapped to their container."""
        found: list[StateWrite] = []
        for write in self.writes:
            if write.name in self.aliases and write.kind != "rebind":
                container, key = self.aliases[write.name]
                if self.refers_to_module(container):
                    found.append(StateWrite(name=container, node=write.node, kind=write.kind, locked=write.locked,
                                            key=key, direct=False))
            elif self.refers_to_module(write.name):
                found.append(write)
        return found


class ModuleStateTracker(PythonCheck):
    """Collects module-level containers and every write to them from functions, judged at the module's end.

    Subclasses read `module_containers`, `scopes`, `len_checked`, `len_bounded` and `request_scopes()` in
    `leave_Module`;
    when they add their own `visit_`/`leave_` methods for node types used here they must call `super()`.
    """

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # name -> (definition statement, "dict" | "list" | "set")
        self.module_containers: dict[str, tuple[cst.CSTNode, str]] = {}
        self.scopes: list[FunctionScope] = []
        self.len_checked: set[str] = set()  # `len(d)` anywhere: the whole container is read
        self.len_bounded: set[str] = set()  # `len(d)` compared with something: a cap (`if len(d) < MAX_ENTRIES`)
        self.registered_handlers: set[str] = set()
        self.uses_threads = False
        self._scope_stack: list[FunctionScope] = []
        self._held_locks: list[cst.With] = []

    # --- scopes -------------------------------------------------------------
    @property
    def scope(self) -> FunctionScope | None:
        return self._scope_stack[-1] if self._scope_stack else None

    @property
    def at_module_level(self) -> bool:
        return not self.ctx.function_stack and not self.ctx.class_stack

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        is_handler = self.ctx.is_handler(node) or any(decorator_name(d) in _REQUEST_HOOKS
                                                     for d in node.decorators)
        scope = FunctionScope(node=node, parent=self.scope, is_handler=is_handler,
                              top_level=len(self.ctx.function_stack) == 1 and not self.ctx.class_stack)
        # A Flask service function that reads the request or its globals (`g.get("request_id")`) runs while a
        # request is served, whichever view of another file calls it.
        scope.in_request = scope.top_level and not is_handler and self.ctx.imports_module("flask") and any(
            isinstance(inner, cst.Name) and self.ctx.qualify(inner) in _FLASK_REQUEST
            for inner in descendants(node.body))
        scope.local_names.update(param_names(node.params))
        self.scopes.append(scope)
        self._scope_stack.append(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scope_stack.pop()

    def request_scopes(self) -> dict[FunctionScope, bool]:
        """Every function that runs per request, mapped to whether it can run on a thread of its own.

        Handlers (routed, view, hook or registered by call), functions nested in them, and module-level
        functions they call by name, transitively. A function runs threaded unless only async code reaches it.
        """
        top_level = {scope.node.name.value: scope for scope in self.scopes if scope.top_level}
        # A function that calls one needing the request (`_message()` reading `g`) is itself only ever run while a
        # request is served.
        needing = {name for name, scope in top_level.items() if scope.in_request}
        while True:
            more = {name for name, scope in top_level.items() if name not in needing
                    and not scope.is_async and scope.called_names & needing}
            if not more:
                break
            needing |= more
        for name in needing:
            top_level[name].in_request = True
        threaded: dict[FunctionScope, bool] = {}
        for scope in self.scopes:
            registered = scope.top_level and scope.node.name.value in self.registered_handlers
            if scope.is_handler or registered or scope.in_request:
                threaded[scope] = not scope.is_async
            elif scope.parent in threaded:
                threaded[scope] = threaded[scope.parent] and not scope.is_async
        pending = list(threaded)
        while pending:
            caller = pending.pop()
            for name in caller.called_names | caller.threaded_names:
                callee = top_level.get(name)
                if callee is None:
                    continue  # a coroutine function it calls (awaited, gathered, a task) runs per request too
                runs_threaded = (threaded[caller] or name in caller.threaded_names) and not callee.is_async
                if callee not in threaded or (runs_threaded and not threaded[callee]):
                    threaded[callee] = runs_threaded or threaded.get(callee, False)
                    pending.append(callee)
        return threaded

    def visit_Global(self, node: cst.Global) -> None:
        if self.scope is not None:
            self.scope.declared_global.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        if self.scope is not None:
            self.scope.local_names.update(item.name.value for item in node.names)

    # --- locks --------------------------------------------------------------
    def visit_With(self, node: cst.With) -> None:
        if any(is_lock_expression(item.item, self.ctx) for item in node.items):
            self._held_locks.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        if self._held_locks and self._held_locks[-1] is original_node:
            self._held_locks.pop()

    # --- bindings and writes ---------------------------------------------------
    def _write(self, name: str, node: cst.CSTNode, kind: str, key: cst.BaseExpression | None = None,
               direct: bool = True) -> None:
        assert self.scope is not None
        self.scope.writes.append(StateWrite(name=name, node=node, kind=kind, locked=bool(self._held_locks),
                                            key=key, direct=direct))

    def _write_subscript(self, target: cst.Subscript, node: cst.CSTNode, kind: str) -> None:
        name = root_name(target)
        if name is not None:
            self._write(name, node, kind, first_subscript_key(target), direct=isinstance(target.value, cst.Name))

    def _bind_target(self, target: cst.BaseExpression, statement: cst.CSTNode,
                     value: cst.BaseExpression | None = None) -> None:
        scope = self.scope
        assert scope is not None
        if isinstance(target, cst.Name):
            if target.value in scope.declared_global:
                self._write(target.value, statement, "rebind")
                return
            scope.local_names.add(target.value)
            alias = _alias_of(value) if value is not None else None
            if alias is not None:
                scope.aliases[target.value] = alias
            else:
                scope.aliases.pop(target.value, None)
        elif isinstance(target, cst.Subscript):
            self._write_subscript(target, statement, "subscript")
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, statement)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, statement)

    def _define_module_name(self, target: cst.BaseExpression, value: cst.BaseExpression | None,
                            statement: cst.CSTNode) -> None:
        if not isinstance(target, cst.Name):
            return
        kind = container_kind(value, self.ctx)
        if kind is not None:
            self.module_containers[target.value] = (statement, kind)
        else:
            # Rebound to something else (a Redis client, a TTLCache): no longer a plain container.
            self.module_containers.pop(target.value, None)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.scope is not None:
            for target in node.targets:
                self._bind_target(target.target, node, node.value)
        elif self.at_module_level:
            for target in node.targets:
                self._define_module_name(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.scope is not None:
            self._bind_target(node.target, node, node.value)
        elif self.at_module_level:
            self._define_module_name(node.target, node.value, node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        scope = self.scope
        if scope is None:
            return
        target = node.target
        if isinstance(target, cst.Name):
            if target.value in scope.declared_global:
                self._write(target.value, node, "global-aug")
            else:
                scope.local_names.add(target.value)
        elif isinstance(target, cst.Subscript):
            self._write_subscript(target, node, "subscript-aug")

    def visit_Del(self, node: cst.Del) -> None:
        if self.scope is None:
            return
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else [node.target]
        for target in targets:
            value = target.value if isinstance(target, cst.Element) else target
            if isinstance(value, cst.Subscript):
                self._write_subscript(value, node, "del")

    def visit_For(self, node: cst.For) -> None:
        if self.scope is not None:
            self.scope.local_names.update(bound_names(node.target))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self.scope is not None and node.asname is not None:
            self.scope.local_names.update(bound_names(node.asname.name))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.scope is not None and node.name is not None and isinstance(node.name.name, cst.Name):
            self.scope.local_names.add(node.name.name.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if self.scope is not None and isinstance(node.target, cst.Name):
            self.scope.local_names.add(node.target.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for side in (node.left, *(target.comparator for target in node.comparisons)):
            if (isinstance(side, cst.Call) and isinstance(side.func, cst.Name) and side.func.value == "len"
                    and side.args and isinstance(side.args[0].value, cst.Name)):
                self.len_bounded.add(side.args[0].value.value)
        if self.scope is None:
            return
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)) and isinstance(target.comparator, cst.Name):
                self.scope.membership_reads.add(target.comparator.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "len" and node.args:
            argument = node.args[0].value
            if isinstance(argument, cst.Name):
                self.len_checked.add(argument.value)
        self._note_registration(node)
        scope = self.scope
        if scope is None:
            return
        handed = thread_target(node, self.ctx)
        if handed is not None:
            scope.threaded_names.add(handed)
        if isinstance(func, cst.Name):
            scope.called_names.add(func.value)
        elif isinstance(func, cst.Attribute):
            method = func.attr.value
            receiver = func.value
            if method == "acquire":
                scope.acquires_lock = True
            elif method == "run_in_executor":
                self.uses_threads = True
            name = root_name(receiver)
            if name is None:
                return
            if method in MUTATING_METHODS:
                key = node.args[0].value if node.args and method in ("setdefault", "add") else None
                if isinstance(receiver, cst.Subscript):
                    key = first_subscript_key(receiver)
                self._write(name, node, f"method:{method}", key, direct=isinstance(receiver, cst.Name))
            elif method == "get" and isinstance(receiver, cst.Name):
                scope.membership_reads.add(name)

    def _note_registration(self, node: cst.Call) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        qualified = None
        if method not in _REGISTERING_METHODS:
            qualified = self.ctx.qualify(func) or ""
            if qualified in _THREAD_STARTERS:
                self.uses_threads = True
            if qualified not in _REGISTERING_CALLS and qualified not in _AIOHTTP_ROUTES:
                return
        for arg in node.args:
            by_position = arg.keyword is None
            if isinstance(arg.value, cst.Name) and (by_position or arg.keyword.value in _HANDLER_KEYWORDS):
                self.registered_handlers.add(arg.value.value)


def _alias_of(value: cst.BaseExpression) -> tuple[str, cst.BaseExpression | None] | None:
    """`buckets[ip]`, `buckets.get(ip)`, `buckets.setdefault(ip, [])`: the container and key a local name aliases."""
    if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Name):
        return value.value.value, first_subscript_key(value)
    if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            and value.func.attr.value in ("get", "setdefault") and isinstance(value.func.value, cst.Name)):
        return value.func.value.value, value.args[0].value if value.args else None
    return None


def returns_lookup(function: cst.FunctionDef, container: str) -> bool:
    """The function returns what it looks up in the container (`return d[key]`, or `v = d.get(key)` ...
    `return v`): a memo table, filled on a miss and read on a hit."""
    looked_up: set[str] = set()
    returned: list[cst.BaseExpression] = []
    for node in own_nodes(function.body):
        if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) \
                and is_lookup(node.value, container):
            looked_up.add(node.targets[0].target.value)
        if isinstance(node, cst.Return) and node.value is not None:
            returned.append(node.value)
    return any(is_lookup(part, container) or (isinstance(part, cst.Name) and part.value in looked_up)
               for value in returned for part in descendants(value))


def is_lookup(node: cst.CSTNode, container: str) -> bool:
    """`d[key]` or `d.get(key)`."""
    if isinstance(node, cst.Subscript):
        return isinstance(node.value, cst.Name) and node.value.value == container
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get"
            and isinstance(node.func.value, cst.Name) and node.func.value.value == container)
