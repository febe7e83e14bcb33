"""The check framework: base classes, the per-file context, discovery and the batched runner."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from collections.abc import Mapping, Sequence
from typing import ClassVar, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

from reviewer.findings import Confidence, FileKind, Hit

_BUILTINS = frozenset(dir(builtins))

# Where test code lives: secrets, asserts and prints there are not production problems.
_TEST_PATH = re.compile(r"(^|/)(tests?|testing|test_[^/]*\.py|[^/]*_test\.py|conftest\.py)(/|$)")

WEB_FRAMEWORKS = ("flask", "fastapi", "django", "rest_framework", "starlette", "aiohttp.web", "tornado", "bottle", "sanic", "quart", "falcon", "pyramid", "litestar")

# Decorator attributes that register a request handler: `@app.route`, `@router.post`, `@bp.get`.
_ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "head", "options"})
_VIEW_DECORATORS = frozenset({"api_view", "require_http_methods", "require_POST", "require_GET", "csrf_exempt", "login_required", "view_config"})
_HTTP_METHOD_NAMES = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch"})
_VIEWSET_ACTIONS = frozenset({"list", "create", "retrieve", "update", "partial_update", "destroy"})
_FALCON_RESPONDER = re.compile(r"^on_(get|post|put|patch|delete|head|options)(_\w+)?$")


# libcst's node classes are ABCs, so `isinstance(x, cst.Name)` runs ABCMeta's Python-level check whenever it is
# false, and the walks make millions of such tests. These classes have no subclasses, so comparing the exact
# type answers the same, several times faster, in the hottest helpers.
_NAME, _ATTRIBUTE, _CALL = cst.Name, cst.Attribute, cst.Call


def is_test_path(path: str) -> bool:
    return bool(_TEST_PATH.search(path.replace("\\", "/")))


@dataclass
class FileContext:
    """What every check may ask about the file being checked: its path, imports and where the visit is."""

    path: str
    text: str
    kind: FileKind = FileKind.python
    is_test: bool = False
    root: str = ""  # the folder `path` is relative to (the work tree's top); "" is the current directory
    imports: dict[str, str] = field(default_factory=dict)
    bindings: dict[str, str] = field(default_factory=dict)
    function_stack: list[cst.FunctionDef] = field(default_factory=list)
    class_stack: list[cst.ClassDef] = field(default_factory=list)
    loop_stack: list[cst.CSTNode] = field(default_factory=list)
    _lines: list[str] | None = None
    _imports_answers: dict[tuple[str, ...], bool] = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    # --- name resolution -------------------------------------------------
    def qualify(self, expr: cst.BaseExpression | None) -> str | None:
        """The dotted name an expression refers to, through imports, aliases and simple bindings.

        `from httpx import post as send; send(...)` gives `httpx.post`; `s = requests.Session(); s.get`
        gives `requests.Session().get`; an unknown local name is returned as written.
        """
        kind = type(expr)  # `type() is`, not isinstance: see _NAME
        if kind is _NAME:
            name = expr.value
            if name in self.bindings:
                return self.bindings[name]
            if name in self.imports:
                return self.imports[name]
            return name
        if kind is _ATTRIBUTE:
            dotted = attribute_path(expr)
            if dotted is not None and dotted in self.bindings:
                return self.bindings[dotted]
            base = self.qualify(expr.value)
            return None if base is None else f"{base}.{expr.attr.value}"
        if kind is _CALL:
            base = self.qualify(expr.func)
            return None if base is None else f"{base}()"
        return None

    def imports_module(self, *prefixes: str) -> bool:
        """True when the file imports any of these modules (or something under them)."""
        # Checks ask the same questions for every node; the answers are forgotten at each import statement.
        cached = self._imports_answers.get(prefixes)
        if cached is not None:
            return cached
        found = any(qualified == prefix or qualified.startswith(prefix + ".")
                    for qualified in self.imports.values() for prefix in prefixes)
        self._imports_answers[prefixes] = found
        return found

    @property
    def is_web_app(self) -> bool:
        return self.imports_module(*WEB_FRAMEWORKS)

    # --- where the visit is ----------------------------------------------
    @property
    def function(self) -> cst.FunctionDef | None:
        return self.function_stack[-1] if self.function_stack else None

    @property
    def in_async_function(self) -> bool:
        fn = self.function
        return fn is not None and fn.asynchronous is not None

    def is_handler(self, fn: cst.FunctionDef | None = None) -> bool:
        """Whether a function serves requests: a routed function, a view, or a view class method."""
        fn = fn if fn is not None else self.function
        if fn is None:
            return False
        return is_request_handler(fn, self.class_stack[-1] if self.class_stack else None, self)

    @property
    def in_handler(self) -> bool:
        return any(self.is_handler(fn) for fn in self.function_stack)


def attribute_path(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` as a string when the expression is only names and attributes."""
    kind = type(expr)
    if kind is _NAME:
        return expr.value
    if kind is _ATTRIBUTE:
        base = attribute_path(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


def is_request_handler(fn: cst.FunctionDef, cls: cst.ClassDef | None, ctx: FileContext) -> bool:
    for deco in fn.decorators:
        target = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
        if isinstance(target, cst.Attribute) and target.attr.value in _ROUTE_ATTRS:
            return True
        if decorator_name(deco) in _VIEW_DECORATORS:
            return True
    params = fn.params.params
    if ctx.imports_module("django") and params and params[0].name.value == "request":
        return True
    # aiohttp's handlers are coroutines that take the request alone, registered wherever the app is built
    # (`app.router.add_post("/x", upload)`), often in another module.
    if (fn.asynchronous is not None and len(params) == 1 and params[0].name.value == "request"
            and cls is None and ctx.imports_module("aiohttp.web")):
        return True
    # Falcon routes a URL to a resource class and calls its responders, `on_get(self, req, resp, booking_id)` (and
    # `on_get_item` for a suffixed route); the class subclasses nothing.
    if (cls is not None and _FALCON_RESPONDER.match(fn.name.value) and len(params) >= 3
            and ctx.imports_module("falcon")):
        return True
    # DRF's `@action` adds a route to a view set: `/members/{pk}/renew/`.
    extra_route = any(decorator_name(deco) == "action" for deco in fn.decorators)
    if cls is not None and (fn.name.value in _HTTP_METHOD_NAMES or extra_route) and cls.bases:
        for base in cls.bases:
            text = attribute_path(base.value) or ""
            if text.endswith(("View", "ViewSet", "Resource", "Handler", "Endpoint")):
                return True
    # A DRF view set's actions (`def create(self, request, ...)`): the router maps POST /preorders/ to `create`.
    if cls is not None and fn.name.value in _VIEWSET_ACTIONS and len(params) >= 2 and params[1].name.value == "request":
        return any((attribute_path(base.value) or "").endswith("ViewSet") for base in cls.bases)
    return False


def is_dependency_call(expr: cst.BaseExpression | None) -> bool:
    """`Depends(get_db)`, `Security(current_user)`, `fastapi.Depends(...)`: a FastAPI dependency."""
    return isinstance(expr, cst.Call) and (attribute_path(expr.func) or "").rsplit(".", 1)[-1] in (
        "Depends", "Security")


def decorator_name(deco: cst.Decorator) -> str | None:
    """`@app.route("/x")` -> "route", `@login_required` -> "login_required"."""
    target = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
    if isinstance(target, cst.Attribute):
        return target.attr.value
    return target.value if isinstance(target, cst.Name) else None


def module_handlers(module: cst.Module, ctx: FileContext) -> list[tuple[cst.FunctionDef, cst.ClassDef | None]]:
    """The request handlers a module defines at its top level: routed functions and views (class None), and the
    handler methods of its view classes (with their class)."""
    found: list[tuple[cst.FunctionDef, cst.ClassDef | None]] = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and is_request_handler(statement, None, ctx):
            found.append((statement, None))
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            found.extend((inner, statement) for inner in statement.body.body
                         if isinstance(inner, cst.FunctionDef) and is_request_handler(inner, statement, ctx))
    return found


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def argument_for(call: cst.Call, fn: cst.FunctionDef, param: str) -> cst.BaseExpression | None:
    """What a call of `fn` passes for one of its parameters: by keyword, else by position (`*args` not counted)."""
    given = keyword(call, param)
    if given is not None:
        return given.value
    params = [p.name.value for p in fn.params.params]
    if param not in params:
        return None
    positional_args = [a.value for a in call.args if a.keyword is None and not a.star]
    index = params.index(param)
    return positional_args[index] if index < len(positional_args) else None


def has_star_kwargs(call: cst.Call) -> bool:
    """`f(**options)`: the keyword may be in there, so a check must not guess."""
    return any(arg.star == "**" for arg in call.args)


def is_literal(expr: cst.BaseExpression) -> bool:
    """A constant the author wrote: strings without interpolation, numbers, and containers of them."""
    if isinstance(expr, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(expr, cst.ConcatenatedString):
        return is_literal(expr.left) and is_literal(expr.right)
    if isinstance(expr, cst.FormattedString):
        return not any(isinstance(part, cst.FormattedStringExpression) for part in expr.parts)
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return all(is_literal(el.value) for el in expr.elements)
    if isinstance(expr, cst.Name) and expr.value in ("None", "True", "False"):
        return True
    if isinstance(expr, cst.UnaryOperation):
        return is_literal(expr.expression)
    return False


def is_name(node: cst.CSTNode | None, value: str | None = None) -> bool:
    """A `Name` node (spelled `value`, when given)."""
    return isinstance(node, cst.Name) and (value is None or node.value == value)


def is_none(node: cst.CSTNode | None) -> bool:
    return is_name(node, "None")


def is_main_guard(test: cst.BaseExpression, *, concatenated: bool = False) -> bool:
    """`__name__ == "__main__"` (any string on the right; also an implicitly concatenated one if asked)."""
    strings = (cst.SimpleString, cst.ConcatenatedString) if concatenated else (cst.SimpleString,)
    return (isinstance(test, cst.Comparison) and is_name(test.left, "__name__") and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
            and isinstance(test.comparisons[0].comparator, strings))


# ---------------------------------------------------------------------------
# Base classes


class _CheckDocs:
    """What every check carries: its checklist id, its docs (the class docstring) and its examples."""

    id: ClassVar[str]
    confidence: ClassVar[Confidence] = Confidence.high
    hits: list[Hit]  # what the check found, filled by its instance
    # Example snippets: a trailing `# expect: ID` marks a line that must be reported,
    # `# ok: ID` a deliberate near-miss. VALID examples must report nothing.
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()
    # Example file path, for checks that care about the kind of file (tests, Dockerfiles).
    EXAMPLE_PATH: ClassVar[str] = "app/service.py"

    @classmethod
    def rule_name(cls) -> str:
        return cls.__name__

    def report_line(self, line: int, message: str, *, end_line: int | None = None,
                    confidence: Confidence | None = None, related_lines: Sequence[int] = ()) -> None:
        """A finding by line numbers: for line checks, and Python checks that judge text (comments)."""
        self.hits.append(Hit(rule=self.rule_name(), id=self.id, line=line, end_line=end_line or line,
                             message=message, confidence=confidence or self.confidence,
                             related_lines=sorted(set(related_lines))))


class PythonCheck(cst.BatchableCSTVisitor, _CheckDocs):
    """A check over one Python file's syntax tree, run in one batched pass with all the others."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.hits: list[Hit] = []

    def report(self, node: cst.CSTNode, message: str, *, end_node: cst.CSTNode | None = None,
               confidence: Confidence | None = None, related: Sequence[cst.CSTNode] = ()) -> None:
        """A finding at `node` (through `end_node`); `related` are other places that take part in the problem."""
        start = self.get_metadata(PositionProvider, node)
        end = self.get_metadata(PositionProvider, end_node) if end_node is not None else start
        line = start.start.line
        end_line = max(line, end.end.line if end_node is not None else line)
        self.hits.append(Hit(
            rule=self.rule_name(), id=self.id, line=line, end_line=end_line,
            message=message, confidence=confidence or self.confidence,
            # A place inside the finding's own lines adds nothing to where it points.
            related_lines=sorted({self.line_of(other) for other in related} - set(range(line, end_line + 1))),
        ))

    def line_of(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line


class LineCheck(_CheckDocs):
    """A check over a non-Python file's lines: Dockerfiles, requirements files, manifests."""

    kinds: ClassVar[frozenset[FileKind]]
    EXAMPLE_PATH: ClassVar[str] = "Dockerfile"

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.hits: list[Hit] = []

    def run(self) -> None:  # pragma: no cover - every subclass implements it
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Discovery


def all_checks() -> list[type[_CheckDocs]]:
    """Every check class, one per module in this package, in a stable order."""
    return list(_discovered_checks())


@functools.lru_cache(maxsize=1)
def _discovered_checks() -> tuple[type[_CheckDocs], ...]:
    # Once per process: the engine asks for every file, and listing the package each time cost 0.1 s a scan.
    found: list[type[_CheckDocs]] = []
    package = importlib.import_module("reviewer.checks")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"reviewer.checks.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, (PythonCheck, LineCheck))
                    and value not in (PythonCheck, LineCheck) and value.__module__ == module.__name__):
                found.append(value)
    return tuple(found)


def python_checks(selected: Iterable[type] | None = None) -> list[type[PythonCheck]]:
    pool = selected if selected is not None else all_checks()
    return [c for c in pool if issubclass(c, PythonCheck)]


def line_checks(selected: Iterable[type] | None = None) -> list[type[LineCheck]]:
    pool = selected if selected is not None else all_checks()
    return [c for c in pool if issubclass(c, LineCheck)]


# ---------------------------------------------------------------------------
# Running


def _param_names(fn: cst.FunctionDef) -> set[str]:
    params = fn.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


class _ContextTracker:
    """Keeps the context's imports, bindings and stacks current as the batched visit walks the tree.

    It runs through `visit_batched`'s before/after hooks, so every check sees the stacks of the node
    it is visiting in both its visit_ and leave_ methods.
    """

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._saved_bindings: list[dict[str, str]] = []
        # Per class being visited: the bindings outside it, and the `self.x = Client(...)` bindings its `__init__`
        # made, which its other methods see (`self.session.post(...)` in a method is a `requests.Session` call).
        self._class_saved: list[dict[str, str]] = []
        self._instance_bindings: list[dict[str, str]] = []

    def before(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if isinstance(node, cst.FunctionDef):
            ctx.function_stack.append(node)
            # Bindings are scoped: a function's own assignments end with it, and a parameter shadows
            # any module-level binding of the same name (`def f(session): session.get(...)`).
            self._saved_bindings.append(ctx.bindings)
            params = _param_names(node)
            ctx.bindings = {k: v for k, v in ctx.bindings.items() if k.split(".")[0] not in params}
            if self._method_of_class(node) and "self" in params:
                ctx.bindings.update(self._instance_bindings[-1])
        elif isinstance(node, cst.ClassDef):
            ctx.class_stack.append(node)
            self._class_saved.append(ctx.bindings)
            ctx.bindings = dict(ctx.bindings)
            self._instance_bindings.append({})
        elif isinstance(node, (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            ctx.loop_stack.append(node)
        elif isinstance(node, cst.Import):
            ctx._imports_answers.clear()
            for alias in node.names:
                dotted = attribute_path(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    ctx.imports[alias.asname.name.value] = dotted
                else:
                    top = dotted.split(".")[0]
                    ctx.imports[top] = top
        elif isinstance(node, cst.ImportFrom):
            ctx._imports_answers.clear()
            if isinstance(node.names, cst.ImportStar) or (node.relative and node.module is None):
                return
            # `from .mailer import send_x` is kept as `.mailer.send_x`: a module of the app itself, whose name still
            # says what it does; no library's name starts with a dot.
            module = "." * len(node.relative) + (attribute_path(node.module) or "")
            for alias in node.names:
                name = attribute_path(alias.name) or ""
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
                ctx.imports[local] = f"{module}.{name}"
        elif isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
            qualified = ctx.qualify(node.value)
            for target in node.targets:
                dotted = attribute_path(target.target)
                if dotted is not None and qualified is not None and "." in qualified:
                    ctx.bindings[dotted] = qualified
        elif isinstance(node, cst.WithItem) and isinstance(node.item, cst.Call) and node.asname is not None:
            dotted = attribute_path(node.asname.name) if isinstance(node.asname.name, (cst.Name, cst.Attribute)) else None
            qualified = ctx.qualify(node.item)
            if dotted is not None and qualified is not None and "." in qualified:
                ctx.bindings[dotted] = qualified

    def _method_of_class(self, fn: cst.FunctionDef) -> bool:
        """The function is defined directly in the class being visited (not in a function inside a method). A
        method written above `__init__` does not see its bindings: the class is read top to bottom, once."""
        ctx = self.ctx
        return bool(ctx.class_stack) and bool(self._instance_bindings) and any(
            statement is fn for statement in ctx.class_stack[-1].body.body)

    def after(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if isinstance(node, cst.FunctionDef):
            if node.name.value == "__init__" and self._method_of_class(node):
                self._instance_bindings[-1].update(
                    {k: v for k, v in ctx.bindings.items() if k.startswith("self.")})
            ctx.function_stack.pop()
            ctx.bindings = self._saved_bindings.pop()
        elif isinstance(node, cst.ClassDef):
            ctx.class_stack.pop()
            ctx.bindings = self._class_saved.pop()
            self._instance_bindings.pop()
        elif isinstance(node, (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            ctx.loop_stack.pop()


@functools.lru_cache(maxsize=None)
def _visitor_method_names(check: type[PythonCheck]) -> tuple[str, ...]:
    # libcst's visit_batched finds these with inspect.getmembers on every instance, for every file:
    # that lookup cost more than the traversal itself. The names depend only on the class.
    return tuple(name for name in dir(check) if name.startswith(("visit_", "leave_"))
                 and callable(getattr(check, name)) and not getattr(getattr(check, name), "_is_no_op", False))


class _LazyPositions(Mapping):
    """PositionProvider's mapping, computed on first lookup, and then only for the top-level statement that holds
    the node: libcst learns positions by regenerating code, and regenerating the whole file for a finding in one
    function cost more than the parse. A statement's first line comes from stdlib `ast` (line numbers for a
    fraction of a codegen); its regenerated code must equal the file's text at that line, else the whole file is
    regenerated as before, so a position is never wrong, only sometimes slower."""

    def __init__(self, wrapper: MetadataWrapper, text: str | None = None) -> None:
        self._wrapper = wrapper
        self._text = text
        self._positions: Mapping | None = None
        self._statements: dict[int, dict] = {}
        self._starts: list[int] | None = None
        self._lines: list[str] = []
        self.current: int | None = None  # the top-level statement the walk is in: where a lookup looks first
        self._last: int | None = None
        self._owner: dict[int, int] | None = None

    def _resolved(self) -> Mapping:
        if self._positions is None:
            # Not `wrapper.resolve(PositionProvider)`: libcst's resolver then also runs a full batched visit
            # of the tree for batchable providers even when there are none, which cost as much as the
            # codegen that computes the positions. The provider's own generator does only the latter
            # (a private method: a test compares its positions with the resolver's).
            self._positions = PositionProvider()._gen(self._wrapper)
        return self._positions

    def _statement_starts(self) -> list[int] | None:
        """The first line (leading blank and comment lines included) of each top-level statement, or None when
        `ast` and libcst do not line up statement for statement."""
        if self._starts is None:
            self._starts = []
            try:
                tree = ast.parse(self._text or "")
            except (SyntaxError, ValueError):
                return None
            body, index = tree.body, 0
            for statement in self._wrapper.module.body:
                if index >= len(body):
                    return None
                first = body[index]
                line = min([d.lineno for d in getattr(first, "decorator_list", ())] + [first.lineno])
                decorators = getattr(statement, "decorators", ())
                line -= len(statement.leading_lines) + (len(decorators[0].leading_lines) if decorators else 0)
                self._starts.append(line)
                index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
            if index != len(body):
                self._starts = []
                return None
            self._lines = _LINE.findall(self._text or "")
        return self._starts or None

    def _statement(self, index: int) -> dict | None:
        """The positions of every node in one top-level statement, or None when they cannot be trusted."""
        computed = self._statements.get(index)
        if computed is None:
            starts = self._statement_starts()
            if starts is None:
                return None
            module = self._wrapper.module
            provider = PositionProvider()
            state = PositionProvidingCodegenState(default_indent=module.default_indent,
                                                  default_newline=module.default_newline, provider=provider)
            state.line = starts[index]
            module.body[index]._codegen(state)
            if "".join(state.tokens) != "".join(self._lines[starts[index] - 1:state.line - 1]):
                return None
            computed = self._statements[index] = provider._computed
        return computed

    def _find(self, node) -> dict | None:
        if self._positions is not None or self._text is None or node is self._wrapper.module:
            return None
        for index in (self.current, self._last):
            if index is not None and (computed := self._statement(index)) is not None and node in computed:
                self._last = index
                return computed
        if self._owner is None:
            # Which statement holds which node: a walk is several times cheaper than regenerating code.
            self._owner = {id(n): i for i, statement in enumerate(self._wrapper.module.body)
                           for n in descendants(statement)}
        index = self._owner.get(id(node))
        if index is None:
            return None  # the module itself, its header or footer
        computed = self._statement(index)
        if computed is None or node not in computed:
            return None
        self._last = index
        return computed

    def cached(self, node):
        """The node's position when it is already known, else None (nothing is computed)."""
        if self._positions is not None:
            return self._positions.get(node)
        for computed in self._statements.values():
            if node in computed:
                return computed[node]
        return None

    def __getitem__(self, node):
        computed = self._find(node)
        return computed[node] if computed is not None else self._resolved()[node]

    def get(self, node, default=None):
        computed = self._find(node)
        return computed[node] if computed is not None else self._resolved().get(node, default)

    def __iter__(self):
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())


# Lines as `ast` and libcst count them (not str.splitlines, which also splits at form feeds and other separators).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def known_position(check: PythonCheck, node: cst.CSTNode):
    """The node's position if this file's positions already hold it (a check reported near it), else None:
    reading one is then free."""
    positions = check.metadata.get(PositionProvider)
    if isinstance(positions, _LazyPositions):
        return positions.cached(node)
    return positions.get(node) if positions is not None else None


_TRACKED_ENTER = (cst.FunctionDef, cst.ClassDef, cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp,
                  cst.GeneratorExp, cst.Import, cst.ImportFrom, cst.Assign, cst.WithItem)
_TRACKED_LEAVE = (cst.FunctionDef, cst.ClassDef, cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp,
                  cst.GeneratorExp)


# libcst lists each node's children in `_visit_and_replace_children` in source order; its dataclass field
# order differs for some nodes (a function's decorators come after its body).
_VISITED_FIELD = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')
_CHILD_ORDER: dict[type, tuple[str, ...]] = {}


def _child_order(kind: type) -> tuple[str, ...]:
    order = _CHILD_ORDER.get(kind)
    if order is None:
        fields = [f.name for f in dataclasses.fields(kind)]
        try:
            named = _VISITED_FIELD.findall(inspect.getsource(kind._visit_and_replace_children))
        except (OSError, TypeError):
            named = []
        order = tuple(dict.fromkeys(named)) if named and set(named) <= set(fields) else tuple(fields)
        _CHILD_ORDER[kind] = order
    return order


def _subclasses(kind: type) -> set[type]:
    found = set()
    for sub in kind.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


# Every node class: `type(x) in NODE_CLASSES` is several times cheaper than `isinstance(x, cst.CSTNode)`, an ABC
# check, and the walks make millions of them.
NODE_CLASSES = frozenset(_subclasses(cst.CSTNode))
_SEQUENCES = (tuple, list)


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node.children` without the visitor libcst runs to collect them: same nodes, same order."""
    found = []
    for name in _child_order(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind in NODE_CLASSES:
            found.append(value)
        elif kind in _SEQUENCES:
            found.extend(item for item in value if type(item) in NODE_CLASSES)
    return found


def descendants(node: cst.CSTNode):
    """The node and every node below it, in pre-order (libcst's order), without libcst's visitor machinery."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


# Code that runs later or elsewhere than the code around it: a nested function, class or lambda.
NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_NESTED_SCOPE_TYPES = frozenset(NESTED_SCOPES)  # leaf classes: an exact type test answers as isinstance does


def own_nodes(root: cst.CSTNode):
    """The nodes under `root` (itself included) in libcst's order that run with it: never a nested function,
    class or lambda, nor anything inside one."""
    stack = [root]
    while stack:
        node = stack.pop()
        if type(node) in _NESTED_SCOPE_TYPES:
            continue
        yield node
        stack.extend(reversed(children(node)))


def findall(tree: cst.CSTNode, match) -> list:
    """The nodes under `tree` (itself included), in libcst's order, that are of these node types or for which
    `match(node)` is true. Plain code instead of libcst's matchers: their module alone takes 0.14 s to import,
    a fifth of a warm review, and `matchers.findall` rebuilds every node it passes."""
    if isinstance(match, (type, tuple)):
        return [node for node in descendants(tree) if isinstance(node, match)]
    return [node for node in descendants(tree) if match(node)]


class _Dispatcher:
    """One read-only walk that calls every check's visit_/leave_ methods for each node, in libcst's order.

    Why not `module.visit(visitor)`: libcst's visit rebuilds and re-validates every node on the way
    back up, which is most of its cost and wasted on checks that never change the tree; walking the
    children directly is several times faster and visits the same nodes in the same order (a test
    compares the two). Checks only read, so a visit_ method's return value is ignored.
    """

    def __init__(self, visit: dict[type, list], leave: dict[type, list], attributes: dict[str, list]) -> None:
        self._visit = visit
        self._leave = leave
        self._attributes = attributes

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node)
        for method in self._visit.get(kind, ()):
            method(node)
        attributes = self._attributes
        for name in _child_order(kind):
            if attributes:
                for method in attributes.get(f"visit_{kind.__name__}_{name}", ()):
                    method(node)
            value = getattr(node, name)
            kind_of_value = type(value)
            if kind_of_value in NODE_CLASSES:
                self.walk(value)
            elif kind_of_value in _SEQUENCES:
                for item in value:
                    if type(item) in NODE_CLASSES:
                        self.walk(item)
            if attributes:
                for method in attributes.get(f"leave_{kind.__name__}_{name}", ()):
                    method(node)
        for method in self._leave.get(kind, ()):
            method(node)

    def walk_module(self, module: cst.Module, positions: _LazyPositions) -> None:
        """`walk(module)`, noting which top-level statement the walk is in: a check's report looks for its
        node's position there first."""
        kind = type(module)
        for method in self._visit.get(kind, ()):
            method(module)
        for name in _child_order(kind):
            for method in self._attributes.get(f"visit_Module_{name}", ()):
                method(module)
            for index, item in enumerate(getattr(module, name)):
                positions.current = index if name == "body" else None
                self.walk(item)
            positions.current = None
            for method in self._attributes.get(f"leave_Module_{name}", ()):
                method(module)
        for method in self._leave.get(kind, ()):
            method(module)


def _node_types() -> dict[str, type]:
    return {name: value for name, value in vars(cst).items() if isinstance(value, type) and issubclass(value, cst.CSTNode)}


_NODE_TYPES = _node_types()


def run_python_checks(wrapper: MetadataWrapper, ctx: FileContext,
                      checks: Iterable[type[PythonCheck]]) -> list[Hit]:
    """Run all given checks over one parsed file in a single traversal."""
    visitors = [check(ctx) for check in checks]
    if not visitors:
        return []
    tracker = _ContextTracker(ctx)
    visit: dict[type, list] = {t: [tracker.before] for t in _TRACKED_ENTER}
    leave: dict[type, list] = {}
    attributes: dict[str, list] = {}
    for visitor in visitors:
        for name in _visitor_method_names(type(visitor)):
            prefix, _, rest = name.partition("_")
            node_type = _NODE_TYPES.get(rest)
            if node_type is None:  # visit_Node_attribute
                attributes.setdefault(name, []).append(getattr(visitor, name))
            else:
                (visit if prefix == "visit" else leave).setdefault(node_type, []).append(getattr(visitor, name))
    for node_type in _TRACKED_LEAVE:
        leave.setdefault(node_type, []).append(tracker.after)
    # Positions are resolved once per file, shared, and only when a check first asks: every check depends
    # on PositionProvider alone, resolving it per visitor repeated the work ~50 times, and it costs more than
    # the parse, so files where nothing is reported never pay for it.
    positions = _LazyPositions(wrapper, ctx.text)
    metadata = {PositionProvider: positions}
    for visitor in visitors:
        visitor.metadata = metadata
    # The walk keeps the context's stacks and bindings current; a check that raises leaves them half way (inside
    # a function, with its bindings). The engine then runs each check again alone on the same context, so the
    # context goes back to how it was before the walk, or those runs would see the file from inside a function.
    saved = (dict(ctx.imports), dict(ctx.bindings), list(ctx.function_stack), list(ctx.class_stack),
             list(ctx.loop_stack))
    try:
        _Dispatcher(visit, leave, attributes).walk_module(wrapper.module, positions)
    except BaseException:
        ctx.imports, ctx.bindings = saved[0], saved[1]
        ctx.function_stack[:], ctx.class_stack[:], ctx.loop_stack[:] = saved[2], saved[3], saved[4]
        ctx._imports_answers.clear()
        raise
    finally:
        for visitor in visitors:
            visitor.metadata = {}
    return [hit for visitor in visitors for hit in visitor.hits]


def run_line_checks(ctx: FileContext, checks: Iterable[type[LineCheck]]) -> list[Hit]:
    hits: list[Hit] = []
    for check in checks:
        if ctx.kind in check.kinds:
            instance = check(ctx)
            instance.run()
            hits.extend(instance.hits)
    return hits


def parse_python(text: str) -> MetadataWrapper:
    """Parse once; the caller handles `cst.ParserSyntaxError`. Fresh parser output needs no deep copy."""
    return MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
