"""Shared facts for the reliability and database checks: a function's code in order, and what a call does."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass

import libcst as cst

from reviewer.checks._base import (NESTED_SCOPES, NODE_CLASSES, FileContext, PythonCheck, attribute_path,
                                   descendants, known_position)

# ---------------------------------------------------------------------------
# A scope: one function body (or a module's top-level code) indexed in source order


LOOPS = (cst.For, cst.While)
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass(frozen=True)
class Binding:
    """`name = value` inside a scope; `unpacked` when the name is one element of a tuple target."""

    index: int
    value: cst.BaseExpression
    unpacked: bool = False
    at: cst.CSTNode | None = None  # the assignment; a module-level binding seen from a function is not in its scope


_EMPTY_MODULE = cst.Module(body=[])


class Scope:
    """The nodes of one function body in pre-order, without nested functions, classes and lambdas.

    Pre-order index is source order, so "before"/"after" and "inside" are integer comparisons. A lambda
    or nested function runs later (a callback, `transaction.on_commit`), so its calls are not this
    scope's calls; nested functions get their own scope.
    """

    def __init__(self, root: cst.FunctionDef | cst.Module, outer: Scope | None = None) -> None:
        self.root = root
        self.outer = outer
        self.nodes: list[cst.CSTNode] = []
        self.index: dict[cst.CSTNode, int] = {}
        self.last: dict[cst.CSTNode, int] = {}
        self.parent: dict[cst.CSTNode, cst.CSTNode] = {}
        self.bindings: dict[str, list[Binding]] = {}
        self.params: frozenset[str] = frozenset()
        self.by_type: dict[type, list[cst.CSTNode]] = {}
        self._call_positions: list[int] | None = None
        self._code: str | None = None
        if isinstance(root, cst.FunctionDef):
            params = root.params
            every = (*params.posonly_params, *params.params, *params.kwonly_params)
            self.params = frozenset(p.name.value for p in every)
            _Indexer(self, root.body).walk(root.body, None)
        else:
            _Indexer(self, root).walk(root, None)

    # --- where a node is --------------------------------------------------
    def contains(self, outer: cst.CSTNode, node: cst.CSTNode) -> bool:
        start, position = self.index.get(outer), self.index.get(node)
        return start is not None and position is not None and start <= position <= self.last[outer]

    def ancestors(self, node: cst.CSTNode):
        parent = self.parent.get(node)
        while parent is not None:
            yield parent
            parent = self.parent.get(parent)

    def innermost_loop(self, node: cst.CSTNode) -> cst.For | cst.While | None:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, LOOPS):
                return ancestor
        return None

    def in_except(self, node: cst.CSTNode, within: cst.CSTNode | None = None) -> bool:
        """Inside an `except` block (of a try inside `within`, when given)."""
        for ancestor in self.ancestors(node):
            if within is not None and ancestor is within:
                return False
            if isinstance(ancestor, cst.ExceptHandler):
                return True
        return False

    def before(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        return self.index[a] < self.index[b]

    def of_type(self, *types: type) -> list:
        """Nodes of these exact types, in source order."""
        if len(types) == 1:
            return self.by_type.get(types[0], [])
        found = [node for kind in types for node in self.by_type.get(kind, ())]
        found.sort(key=self.index.__getitem__)
        return found

    def calls(self) -> list[cst.Call]:
        return self.by_type.get(cst.Call, [])

    def calls_within(self, node: cst.CSTNode) -> list[cst.Call]:
        calls = self.calls()
        if self._call_positions is None:
            self._call_positions = [self.index[c] for c in calls]
        start, end = self.index[node], self.last[node]
        return calls[bisect_left(self._call_positions, start):bisect_right(self._call_positions, end)]

    def within(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        return self.nodes[self.index[node]:self.last[node] + 1]

    # --- what a name holds --------------------------------------------------
    def binding(self, name: str, at: cst.CSTNode | None = None) -> Binding | None:
        """The last simple assignment to `name` before `at` in this scope, else the module's."""
        position = self.index.get(at, len(self.nodes)) if at is not None else len(self.nodes)
        found = None
        for binding in self.bindings.get(name, ()):
            # `q = q.filter(...)`: the `q` on the right is the one bound before this statement, not by it.
            if binding.index < position and not position <= self.last[binding.at]:
                found = binding
        if found is None and name not in self.params and self.outer is not None:
            return self.outer.binding(name)
        return found

    def code(self, check: PythonCheck) -> str:
        """The scope's source text (nested functions included), cut from the file by position, not regenerated."""
        if self._code is None:
            if isinstance(self.root, cst.Module):
                self._code = check.ctx.text
            elif (where := known_position(check, self.root)) is not None:
                self._code = "\n".join(check.ctx.lines[where.start.line - 1:where.end.line])
            else:
                # Positions cost a codegen of the whole file; a file where nothing is reported never needs them,
                # and regenerating this one function is a fraction of that. Same text, less its indentation.
                self._code = _EMPTY_MODULE.code_for_node(self.root.with_changes(leading_lines=())).rstrip("\n")
        return self._code


# Fields that hold only punctuation and whitespace: nothing a check asks about, and most of the nodes.
_SKIPPED_FIELDS = frozenset({"lpar", "rpar", "comma", "leading_lines", "lines_after_decorators", "header", "footer",
                             "semicolon", "equal", "dot", "colon", "lbracket", "rbracket", "lbrace", "rbrace",
                             "newline", "star_tok", "whitespace", "asynchronous"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = tuple(f.name for f in dataclasses.fields(kind)
                       if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace"))
        if kind is cst.IfExp:  # `body if test else orelse`: keep source order
            fields = ("body", "test", "orelse")
        _CHILD_FIELDS[kind] = fields
    return fields


class _Indexer:
    """Walks a tree by its dataclass fields: four times faster than a libcst visitor, same pre-order."""

    def __init__(self, scope: Scope, top: cst.CSTNode) -> None:
        self.scope = scope
        self.top = top

    def walk(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> None:
        scope = self.scope
        position = len(scope.nodes)
        scope.index[node] = position
        scope.nodes.append(node)
        kind = type(node)
        scope.by_type.setdefault(kind, []).append(node)
        if parent is not None:
            scope.parent[node] = parent
        if node is self.top or not isinstance(node, NESTED_SCOPES):
            if kind is cst.Assign:
                for target in node.targets:
                    self._bind(target.target, node.value, position)
            elif kind is cst.AnnAssign and node.value is not None:
                self._bind(node.target, node.value, position)
            elif kind is cst.NamedExpr:
                self._bind(node.target, node.value, position)
            elif kind is cst.WithItem and node.asname is not None:
                self._bind(node.asname.name, node.item, position)
            for name in _child_fields(kind):
                value = getattr(node, name)
                kind_of_value = type(value)
                if kind_of_value in NODE_CLASSES:
                    self.walk(value, node)
                elif kind_of_value is tuple or kind_of_value is list:
                    for item in value:
                        if type(item) in NODE_CLASSES:
                            self.walk(item, node)
        scope.last[node] = len(scope.nodes) - 1

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression, position: int) -> None:
        at = self.scope.nodes[position]
        if isinstance(target, cst.Name):
            self.scope.bindings.setdefault(target.value, []).append(Binding(position, value, False, at))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element.value, cst.Name):
                    self.scope.bindings.setdefault(element.value.value, []).append(Binding(position, value, True, at))


# The checks of one batched pass each ask for the scope of the same function in turn: keep the last few.
_SCOPES: OrderedDict[tuple[int, int], tuple[cst.CSTNode, Scope]] = OrderedDict()


def scope_of(root: cst.FunctionDef | cst.Module, outer: Scope | None = None) -> Scope:
    """The scope of a function (with its module's scope to resolve module-level names) or of a module."""
    key = (id(root), id(outer))
    hit = _SCOPES.get(key)
    if hit is not None and hit[0] is root and hit[1].outer is outer:
        return hit[1]
    scope = Scope(root, outer)
    _SCOPES[key] = (root, scope)
    while len(_SCOPES) > 32:
        _SCOPES.popitem(last=False)
    return scope


_MIGRATION_PATH = re.compile(r"(^|/)(migrations|alembic|db_migrations)/")


class ScopeCheck(PythonCheck):
    """A check that judges the module body and then each function once, from the shared scope index;
    tests and migrations are never judged."""

    _module_scope: Scope | None = None
    _module_functions: dict[str, cst.FunctionDef] | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)
        self._module_functions = None
        self._judge_scope(self._module_scope)

    def module_function(self, name: str) -> cst.FunctionDef | None:
        """The top-level function of this file with that name: the helper a plain call `name(...)` runs."""
        if self._module_scope is None:
            return None
        if self._module_functions is None:
            self._module_functions = {statement.name.value: statement for statement in self._module_scope.root.body
                                      if isinstance(statement, cst.FunctionDef)}
        return self._module_functions.get(name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._judge_scope(scope_of(node, self._module_scope))

    def _judge_scope(self, scope: Scope) -> None:
        if not not_production_code(self.ctx):
            self.judge(scope)

    def judge(self, scope: Scope) -> None:  # pragma: no cover - every subclass implements it
        raise NotImplementedError


def not_production_code(ctx: FileContext) -> bool:
    """Tests and schema/data migrations: they run once or in isolation, so races and N+1 do not matter there."""
    return ctx.is_test or bool(_MIGRATION_PATH.search(ctx.path.replace("\\", "/")))


# ---------------------------------------------------------------------------
# Small syntax helpers


def method(call: cst.Call) -> str | None:
    """`a.b.c(...)` -> "c"; `f(...)` -> "f"."""
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    if isinstance(call.func, cst.Name):
        return call.func.value
    return None


def receiver(call: cst.Call) -> cst.BaseExpression | None:
    return call.func.value if isinstance(call.func, cst.Attribute) else None


def positional(call: cst.Call, position: int = 0) -> cst.BaseExpression | None:
    args = [arg for arg in call.args if arg.keyword is None and arg.star == ""]
    return args[position].value if len(args) > position else None


def tokens(name: str) -> set[str]:
    """`db.session`, `self.pg_conn` -> {"db", "session"}, {"self", "pg", "conn"}."""
    return {part for part in re.split(r"[._\W]+", name.lower()) if part}


def is_camel(name: str) -> bool:
    """A class-like name (`Order`, `OrderItem`), not a constant (`URL`, `DB`)."""
    return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*", name))


def is_chain_link(call: cst.Call, scope: Scope) -> bool:
    """`session.query(X)` inside `session.query(X).first()`: a part of a longer chain, not its end."""
    parent = scope.parent.get(call)
    if isinstance(parent, cst.Attribute) and parent.value is call:
        grand = scope.parent.get(parent)
        return isinstance(grand, cst.Call) and grand.func is parent
    return False


def chain_methods(expr: cst.BaseExpression) -> list[str]:
    """The method names along a call chain, outermost first: `A.objects.filter().all()` -> [all, filter]."""
    names: list[str] = []
    while True:
        if isinstance(expr, cst.Call):
            if isinstance(expr.func, cst.Attribute):
                names.append(expr.func.attr.value)
            elif isinstance(expr.func, cst.Name):
                names.append(expr.func.value)
            expr = expr.func.value if isinstance(expr.func, cst.Attribute) else expr.func
        elif isinstance(expr, cst.Attribute):
            expr = expr.value
        elif isinstance(expr, cst.Subscript):
            names.append("[]")
            expr = expr.value
        elif isinstance(expr, cst.Await):
            expr = expr.expression
        else:
            return names


def chain_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`stmt.where(...).order_by(...)` -> `stmt`; `await session.get(...)` -> `session`."""
    while True:
        if isinstance(expr, cst.Call):
            expr = expr.func
        elif isinstance(expr, (cst.Attribute, cst.Subscript)):
            expr = expr.value
        elif isinstance(expr, cst.Await):
            expr = expr.expression
        else:
            return expr


def bound_here(name: cst.Name, scope: Scope) -> cst.BaseExpression | None:
    """What a local name was last bound to before this use, in this function: None for a module-level name (its
    nodes are not this scope's, and following them into this scope's index fails) or an unpacked target."""
    binding = scope.binding(name.value, name)
    return binding.value if binding is not None and not binding.unpacked and binding.value in scope.index else None


def unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`await x`, `(x)`, `enumerate(x)`, `list(x)` -> x: the thing really iterated or used."""
    while True:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        elif (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name)
              and expr.func.value in ("enumerate", "list", "tuple", "set", "frozenset", "sorted", "reversed", "iter")
              and expr.args):
            expr = expr.args[0].value
        else:
            return expr


def body_statements(block: cst.BaseSuite) -> list[cst.BaseStatement]:
    return list(block.body) if isinstance(block, cst.IndentedBlock) else [cst.SimpleStatementLine(body=block.body)]


def ends_in_exit(block: cst.BaseSuite) -> bool:
    """The block ends in `raise`, `return` or `break` (on every branch of a final if/else)."""
    statements = body_statements(block)
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.If):
        orelse = last.orelse
        if orelse is None:
            return False
        other = ends_in_exit(orelse.body) if isinstance(orelse, cst.Else) else ends_in_exit(
            cst.IndentedBlock(body=[orelse]))
        return other and ends_in_exit(last.body)
    return isinstance(last, cst.SimpleStatementLine) and bool(last.body) and isinstance(
        last.body[-1], (cst.Raise, cst.Return, cst.Break))


def ends_in_leave(block: cst.BaseSuite) -> bool:
    """The block leaves the function or the iteration: return, raise, abort(...), continue."""
    statements = body_statements(block)
    if not statements or not isinstance(statements[-1], cst.SimpleStatementLine) or not statements[-1].body:
        return False
    last = statements[-1].body[-1]
    if isinstance(last, (cst.Raise, cst.Return, cst.Continue, cst.Break)):
        return True
    return (isinstance(last, cst.Expr) and isinstance(last.value, cst.Call)
            and method(last.value) in ("abort", "abort_json", "exit"))


# ---------------------------------------------------------------------------
# Strings and SQL


def string_text(expr: cst.BaseExpression | None, scope: Scope | None = None, depth: int = 0) -> tuple[str, bool] | None:
    """The text of a string expression and whether it is complete (no interpolation), following names."""
    if expr is None or depth > 3:
        return None
    if isinstance(expr, cst.SimpleString):
        try:
            value = expr.evaluated_value
        except Exception:  # a malformed escape: not a string we can judge
            return None
        return (value, True) if isinstance(value, str) else None
    if isinstance(expr, cst.ConcatenatedString):
        left, right = string_text(expr.left, scope, depth), string_text(expr.right, scope, depth)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] and right[1]
    if isinstance(expr, cst.FormattedString):
        parts = [p.value if isinstance(p, cst.FormattedStringText) else " {} " for p in expr.parts]
        return "".join(parts), not any(isinstance(p, cst.FormattedStringExpression) for p in expr.parts)
    if isinstance(expr, cst.BinaryOperation):
        left = string_text(expr.left, scope, depth + 1)
        if isinstance(expr.operator, cst.Add):
            right = string_text(expr.right, scope, depth + 1)
            if left is not None and right is not None:
                return left[0] + right[0], left[1] and right[1]
        return (left[0], False) if left is not None else None
    if isinstance(expr, cst.Call):
        if method(expr) == "format" and isinstance(expr.func, cst.Attribute):
            inner = string_text(expr.func.value, scope, depth + 1)
            return (inner[0], False) if inner is not None else None
        if method(expr) in ("text", "SQL", "dedent") and expr.args:
            return string_text(expr.args[0].value, scope, depth + 1)
        return None
    if isinstance(expr, cst.Name) and scope is not None:
        binding = scope.binding(expr.value, expr)
        if binding is not None and not binding.unpacked:
            found = string_text(binding.value, scope, depth + 1)
            if found is None:
                return None
            text, complete = found
            for extension in appended(expr, binding, scope):
                part = string_text(extension, scope, depth + 1)
                text, complete = (text + part[0], complete and part[1]) if part else (text + " {} ", False)
            return text, complete
    return None


def appended(name: cst.Name, binding: Binding, scope: Scope) -> list[cst.BaseExpression]:
    """What `name += ...` adds between its assignment and this use (`sql += " ORDER BY created_at"`), in order:
    the statement as it is run."""
    used_at = scope.index.get(name)
    if used_at is None:
        return []
    return [extension.value for extension in scope.of_type(cst.AugAssign)
            if isinstance(extension.target, cst.Name) and extension.target.value == name.value
            and isinstance(extension.operator, cst.AddAssign) and binding.index < scope.index[extension] < used_at]


_SQL_START = re.compile(r"^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE|MERGE|UPSERT)\b", re.I)


def sql_text(expr: cst.BaseExpression | None, scope: Scope | None = None) -> tuple[str, bool] | None:
    """The SQL an expression holds, normalised to upper case and single spaces, when it is SQL."""
    found = string_text(expr, scope)
    if found is None or not _SQL_START.match(found[0]):
        return None
    return " ".join(found[0].upper().split()), found[1]


def sql_verb(expr: cst.BaseExpression | None, scope: Scope | None = None) -> str | None:
    found = sql_text(expr, scope)
    if found is None:
        return None
    text = found[0].lstrip("( ")
    if text.startswith("WITH"):
        for verb in ("INSERT", "UPDATE", "DELETE"):
            if re.search(rf"\)\s*{verb}\b", text):
                return verb
        return "SELECT"
    return text.split(" ", 1)[0]


# ---------------------------------------------------------------------------
# Database: connections, queries, writes

DB_MODULES = ("sqlite3", "psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql.connector", "asyncpg", "aiosqlite",
              "sqlalchemy", "flask_sqlalchemy", "django.db", "peewee", "sqlmodel", "databases", "cx_Oracle",
              "oracledb", "pyodbc", "aiomysql", "aiopg", "tortoise")
_DB_TOKENS = frozenset({"session", "sess", "db", "conn", "connection", "con", "cursor", "cur", "transaction", "tx",
                        "txn", "database", "engine", "dbsession", "uow", "dbconn", "pg", "sqlite", "mysql", "pool",
                        "dbpool", "pgpool"})
_CONNECTOR_METHODS = frozenset({"cursor", "connect", "begin", "session", "Session", "get_db", "get_conn",
                                "get_connection", "getconn", "acquire", "raw_connection", "connection",
                                "get_session", "get_cursor", "SessionLocal", "sessionmaker", "scoped_session"})
_NOT_DB_QUALIFIED = ("requests", "httpx", "aiohttp", "flask.session", "urllib3", "boto3", "redis")


def _qualified_in(name: str | None, modules: tuple[str, ...]) -> bool:
    return name is not None and any(name == mod or name.startswith(mod + ".") for mod in modules)


# Names that say a "session" or "connection" is something else: HTTP, a cache, a mail server, a checkout.
_NOT_DB_WORDS = frozenset({"request", "requests", "http", "https", "client", "checkout", "stripe", "oauth", "auth",
                           "aws", "boto", "boto3", "ssh", "sftp", "ftp", "spark", "inference", "ort", "browser",
                           "web", "aiohttp", "httpx", "websocket", "ws", "chat", "login", "user", "cache", "redis",
                           "mongo", "cookie", "smtp", "mail", "grpc", "channel", "socket", "sock", "ldap", "s3",
                           "amqp", "rabbit", "kafka", "mqtt", "tls", "ssl"})
_SESSION_NAME = re.compile(r"(db_?|async_|sql_|orm_|sa_)?sess(ion)?(_db)?", re.I)


_APP_STATE = re.compile(r"^(request\.)?app\.state\.|^request\.app\.")


def is_dbish(expr: cst.BaseExpression | None, scope: Scope, ctx: FileContext, depth: int = 0) -> bool:
    """A database session, connection or cursor, by what it was made from, its import, or its name."""
    if expr is None or depth > 3:
        return False
    qualified = ctx.qualify(expr) if isinstance(expr, (cst.Name, cst.Attribute, cst.Call)) else None
    if _qualified_in(qualified, _NOT_DB_QUALIFIED):
        return False
    if _qualified_in(qualified, DB_MODULES):
        return True
    if isinstance(expr, cst.Call):
        path = attribute_path(expr.func) or ""
        last = path.rsplit(".", 1)[-1]
        if tokens(path) & _NOT_DB_WORDS:
            return False
        return last in _CONNECTOR_METHODS or bool(tokens(last) & _DB_TOKENS)
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, expr)
        if binding is not None and not binding.unpacked and isinstance(binding.value, cst.Call):
            made_by = binding.value
            if is_dbish(made_by, scope, ctx, depth + 1):
                return True
            if _qualified_in(ctx.qualify(made_by.func), _NOT_DB_QUALIFIED) or tokens(
                    attribute_path(made_by.func) or "") & _NOT_DB_WORDS:
                return False  # `session = requests.Session()`: the name says nothing then
    path = attribute_path(expr)
    state = _APP_STATE.match(path or "")
    if state is not None:  # `request.app.state.pool`: what the app keeps there is named by the last part
        return bool(tokens(path[state.end():]) & (_DB_TOKENS | {"pool", "dbpool", "pgpool"}))
    if path is None or tokens(path) & _NOT_DB_WORDS:
        return False
    prefix, _, last = path.rpartition(".")
    if _SESSION_NAME.fullmatch(last) or "db" in tokens(prefix):
        return True
    return bool(tokens(last) & (_DB_TOKENS - {"session", "sess"}))


_EXECUTE = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
_ASYNCPG_FETCH = frozenset({"fetchrow", "fetchval", "fetch"})
_POSITIONAL_PLACEHOLDER = re.compile(r"\$\d")  # asyncpg's `$1`; psycopg and sqlite3 use `%s` and `?`
_DRIVER_FETCH = frozenset({"fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one", "fetch_val"})
# `exec`: SQLModel's `session.exec(select(Hero))`, its way to run a statement.
_SESSION_QUERY = frozenset({"scalars", "scalar", "query", "exec"})
_FLASK_SQLA_SHORTCUTS = frozenset({"get_or_404", "first_or_404", "one_or_404"})
_DJANGO_SHORTCUTS = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.get_list_or_404",
                               "get_object_or_404", "get_list_or_404"})
_PANDAS_SQL = frozenset({"pandas.read_sql", "pandas.read_sql_query", "pandas.read_sql_table"})


def polarity(test: cst.BaseExpression) -> tuple[cst.BaseExpression, bool] | None:
    """An existence test (`x is None`, `not x`, `if x:`, `q.count() == 0`): what is tested, and True when the test
    holds if it exists."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = polarity(test.expression)
        return (inner[0], not inner[1]) if inner is not None else None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        op, right = test.comparisons[0].operator, test.comparisons[0].comparator
        if isinstance(right, cst.Name) and right.value == "None":
            if isinstance(op, cst.Is):
                return test.left, False
            if isinstance(op, cst.IsNot):
                return test.left, True
        if isinstance(right, cst.Integer) and isinstance(test.left, cst.Call) and method(test.left) == "count":
            if right.value == "0" and isinstance(op, cst.Equal):
                return test.left, False
            if right.value == "0" and isinstance(op, (cst.GreaterThan, cst.NotEqual)):
                return test.left, True
        return None
    if isinstance(test, (cst.Call, cst.Name)):
        return test, True
    return None


def orm_model(expr: cst.BaseExpression, scope: Scope, ctx: FileContext) -> tuple[str, str] | None:
    """(kind, model) when a chain starts from an ORM query: `Order.objects`, `Order.query`, `session.query(Order)`."""
    node = expr
    while True:
        if isinstance(node, cst.Await):
            node = node.expression
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Call):
            func = node.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "query" and node.args
                    and is_dbish(func.value, scope, ctx)):
                first = attribute_path(node.args[0].value) or ""
                return "session", first.split(".")[0]
            node = func
        elif isinstance(node, cst.Attribute):
            base = attribute_path(node.value)
            model = base.rsplit(".", 1)[-1] if base else None
            if node.attr.value == "objects" and model is not None and is_camel(model):
                return "django", model
            if node.attr.value == "query" and model is not None and is_camel(model):
                return "flask", model
            node = node.value
        else:
            return None


def is_query_call(call: cst.Call, scope: Scope, ctx: FileContext, depth: int = 0) -> bool:
    """A call that sends a query to the database (or builds a lazy ORM query that will be)."""
    name = method(call)
    if name is None or depth > 6:
        return False
    recv = receiver(call)
    if recv is None:
        qualified = ctx.qualify(call.func)
        return qualified in _DJANGO_SHORTCUTS or qualified in _PANDAS_SQL
    if name in _EXECUTE:
        first = positional(call) or (call.args[0].value if call.args else None)
        return is_dbish(recv, scope, ctx) or sql_text(first, scope) is not None
    if name in _DRIVER_FETCH or name in _SESSION_QUERY:
        if call.args and is_dbish(recv, scope, ctx):
            return True
    if name == "get" and _is_session_get(call, recv, scope, ctx):
        return True
    if name in _FLASK_SQLA_SHORTCUTS and call.args and is_dbish(recv, scope, ctx):
        return True
    if ctx.qualify(call.func) in _PANDAS_SQL:
        return True
    if orm_model(call, scope, ctx) is not None:
        return True
    inner = recv
    while isinstance(inner, (cst.Attribute, cst.Subscript)):
        inner = inner.value
    if isinstance(inner, cst.Await):
        inner = inner.expression
    return isinstance(inner, cst.Call) and is_query_call(inner, scope, ctx, depth + 1)


def _is_session_get(call: cst.Call, recv: cst.BaseExpression, scope: Scope, ctx: FileContext) -> bool:
    """`session.get(Order, order_id)`: a session-like receiver and a model class first (not a URL or a key)."""
    first = positional(call)
    path = attribute_path(first) if first is not None else None
    if path is None or not is_camel(path.rsplit(".", 1)[-1]):
        return False
    recv_tokens = tokens(attribute_path(recv) or "")
    if not recv_tokens & {"session", "sess", "db", "dbsession"} or recv_tokens & _NOT_DB_WORDS:
        return False
    return not _qualified_in(ctx.qualify(recv), _NOT_DB_QUALIFIED)


def handed_function(call: cst.Call, ctx: FileContext) -> cst.Call | None:
    """`asyncio.to_thread(f, *args, **kw)`, Starlette's `run_in_threadpool(f, ...)` and `loop.run_in_executor(None,
    f, *args)` as the call `f(*args, **kw)` they make in a thread."""
    name = method(call)
    qualified = ctx.qualify(call.func) or ""
    if (qualified in ("asyncio.to_thread", "starlette.concurrency.run_in_threadpool",
                      "fastapi.concurrency.run_in_threadpool")
            or (name == "to_thread" and qualified.endswith("anyio.to_thread"))):
        rest = list(call.args)
    elif name == "run_in_executor" and len(call.args) >= 2:
        rest = list(call.args[1:])
    else:
        return None
    if not rest or rest[0].keyword is not None or rest[0].star:
        return None
    return cst.Call(func=rest[0].value, args=[arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in rest[1:]])


_RESULT_METHODS = frozenset({"fetchall", "fetchmany", "all", "scalars", "mappings", "iterator", "exec"})


def is_query_result(expr: cst.BaseExpression, scope: Scope, ctx: FileContext, depth: int = 0) -> bool:
    """Rows from the database: a query call, `cur.fetchall()`, a cursor, or a name bound to one of them."""
    expr = unwrap(expr)
    if depth > 3:
        return False
    if isinstance(expr, cst.Call):
        expr = handed_function(expr, ctx) or expr  # `await asyncio.to_thread(db.fetch_all, SQL, params)`
        if is_query_call(expr, scope, ctx):
            return True
        return method(expr) in _RESULT_METHODS and is_dbish(receiver(expr), scope, ctx)
    if isinstance(expr, cst.Name):
        if tokens(expr.value) & {"cursor", "cur"}:
            return True
        binding = scope.binding(expr.value, expr)
        if binding is None or binding.unpacked:
            return False
        value = unwrap(binding.value)
        if isinstance(value, cst.Call) and method(value) == "cursor":
            return True
        return is_query_result(value, scope, ctx, depth + 1)
    return False


# The calls that read one record (or one value), not rows to loop over.
ROW_LOADS = frozenset({"get", "first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar", "last",
                       "get_or_404", "first_or_404", "one_or_404", "fetchone", "fetchrow", "fetch_one", "earliest",
                       "latest"})


_ROW_HELPERS = frozenset({"fetch_one", "fetchone", "fetchrow", "fetch_row", "query_one"})


def is_row_load(expr: cst.BaseExpression, scope: Scope, ctx: FileContext) -> bool:
    """One record read from the database: `.get()`, `.first()`, `session.get(M, id)`, `cur.fetchone()`."""
    expr = unwrap(expr)
    if not isinstance(expr, cst.Call):
        return False
    name = method(expr)
    if isinstance(expr.func, cst.Name) and name in _ROW_HELPERS:
        # The project's own `fetch_one("SELECT ... WHERE id = %s", (gang_id,))`: SQL text handed to a helper.
        text = sql_text(positional(expr), scope)
        return text is not None and text[0].lstrip("( ").startswith(("SELECT", "WITH"))
    if isinstance(expr.func, cst.Name) or ctx.qualify(expr.func) in _DJANGO_SHORTCUTS:
        return ctx.qualify(expr.func) in ("django.shortcuts.get_object_or_404", "get_object_or_404")
    if name not in ROW_LOADS:
        return False
    if name in ("fetchone", "fetchrow", "fetch_one"):  # `fetch_one`: the `databases` library and its look-alikes
        return is_dbish(receiver(expr), scope, ctx) or is_query_call(expr, scope, ctx)
    return is_query_call(expr, scope, ctx)


_STAGE = frozenset({"add", "add_all", "merge", "delete", "flush", "bulk_save_objects", "bulk_insert_mappings",
                    "bulk_update_mappings"})
_DJANGO_WRITES = frozenset({"create", "bulk_create", "update", "get_or_create", "update_or_create", "delete",
                            "bulk_update"})
_ORM_MODULES = ("django", "peewee", "mongoengine", "tortoise")


def core_statement_verb(expr: cst.BaseExpression | None, ctx: FileContext,
                        scope: Scope | None = None) -> str | None:
    """"UPDATE" for SQLAlchemy Core's `update(Model).where(...).values(...)`, likewise insert and delete (given the
    scope, also a statement built under a name first: `stmt = insert(Rollup).values(...)`, then
    `stmt.on_conflict_do_update(...)`)."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and isinstance(expr.func.value, cst.Call):
        expr = expr.func.value  # down the `.where(...).values(...)` chain to `update(Model)`
    if (scope is not None and isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)
            and isinstance(expr.func.value, cst.Name) and expr in scope.index):
        binding = scope.binding(expr.func.value.value, expr)
        if binding is not None and not binding.unpacked and isinstance(binding.value, cst.Call):
            return core_statement_verb(binding.value, ctx)
    if not isinstance(expr, cst.Call):
        return None
    qualified = ctx.qualify(expr.func) or ""
    verb = qualified.rsplit(".", 1)[-1]
    if verb in ("insert", "update", "delete") and qualified.split(".")[0] in ("sqlalchemy", "sqlmodel"):
        return verb.upper()
    # `Flight.__table__.update()`: the mapped class's Table builds the statement.
    if (isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("insert", "update", "delete")
            and isinstance(expr.func.value, cst.Attribute) and expr.func.value.attr.value == "__table__"):
        return expr.func.attr.value.upper()
    return None


def db_write(call: cst.Call, scope: Scope, ctx: FileContext) -> str | None:
    """How a call writes to the database: "commit" (the write is durable now) or "stage" (it needs a commit)."""
    name = method(call)
    recv = receiver(call)
    if name is None or recv is None:
        return None
    if name == "commit" and not call.args:
        return "commit" if is_dbish(recv, scope, ctx) else None
    if name in _STAGE and is_dbish(recv, scope, ctx) and not tokens(attribute_path(recv) or "") & {"cursor", "cur"}:
        return "stage"
    if name in _EXECUTE and is_query_call(call, scope, ctx):
        verb = sql_verb(positional(call), scope) or core_statement_verb(positional(call), ctx, scope)
        return "stage" if verb in ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "UPSERT") else None
    if name in _ASYNCPG_FETCH and is_dbish(recv, scope, ctx):
        # asyncpg: `INSERT ... RETURNING` read back with `fetchrow`; outside `conn.transaction()` it commits at once.
        found = sql_text(positional(call), scope)
        if found is not None and _POSITIONAL_PLACEHOLDER.search(found[0]) and sql_verb(positional(call), scope) in (
                "INSERT", "UPDATE", "DELETE"):
            return "commit"
    orm = orm_model(call, scope, ctx)
    if orm is not None and orm[0] == "django" and name in _DJANGO_WRITES:
        return "commit"
    if orm is not None and orm[0] in ("flask", "session") and name in ("update", "delete"):
        return "stage"
    if name in ("save", "delete") and positional(call) is None and ctx.imports_module(*_ORM_MODULES):
        return "commit"
    if name == "save" and positional(call) is None and isinstance(recv, cst.Name):
        binding = scope.binding(recv.value, call)
        if binding is not None and is_row_load(binding.value, scope, ctx):
            return "commit"
    return None


_TRANSACTION_METHODS = frozenset({"atomic", "begin", "begin_nested", "transaction"})


def is_transaction_block(item: cst.WithItem, scope: Scope, ctx: FileContext) -> bool:
    """`with transaction.atomic()`, `with session.begin()`, `with engine.begin()`, `with conn:`,
    `with pool.connection() as conn:`."""
    value = item.item
    if isinstance(value, cst.Call):
        if method(value) == "connection" and isinstance(value.func, cst.Attribute):
            # psycopg's pool: `with pool.connection() as conn:` commits when the block ends
            return "pool" in tokens(attribute_path(value.func.value) or "")
        return method(value) in _TRANSACTION_METHODS
    path = attribute_path(value)
    return path is not None and bool(tokens(path) & {"conn", "connection", "con"})


def in_transaction(node: cst.CSTNode, scope: Scope, ctx: FileContext) -> bool:
    if isinstance(scope.root, cst.FunctionDef) and any(
            (attribute_path(d.decorator) or "").rsplit(".", 1)[-1] == "atomic" for d in scope.root.decorators):
        return True
    for ancestor in scope.ancestors(node):
        if isinstance(ancestor, cst.With) and any(is_transaction_block(item, scope, ctx) for item in ancestor.items):
            return True
    return False


# Any of these in a function means the author serialises the write: a lock, an atomic update, a version check.
_LOCKED = re.compile(
    # `version_id_col` / `version_id_generator` (SQLAlchemy's optimistic locking), not a `version_id` variable.
    r"with_for_update|select_for_update|for\s+(no\s+key\s+)?update\b|for\s+share\b|advisory|version_id_(col|gen)"
    # A version check is optimistic locking only where a write compares it: `UPDATE ... WHERE version = %s`,
    # `filter(version=row.version)`, `Model.version == row.version`; not `WHERE r.version = $2` in a SELECT.
    r"|\bupdate\b[^;]{0,300}?\bversion\s*(=|==)|\bversion\s*=\s*[\w.]+\.version\b|\.version\s*==\s*[\w.]+\.version\b"
    r"|serializable|\bF\(|\bset\s+(?P<column>\w+)\s*=\s*(?P=column)\s*[-+*]|\block\b|_lock\b|\.lock\(",
    re.I)


_ATOMIC_UPDATE = re.compile(r"\bF\(|\bset\s+(\w+)\s*=\s*\1\s*[-+*]", re.I)


def has_lock_or_atomic_update(scope: Scope, check: PythonCheck) -> bool:
    if _LOCKED.search(scope.code(check)):
        return True
    return "version_id_col" in check.ctx.text


def has_lock(scope: Scope, check: PythonCheck) -> bool:
    """A lock or version check in the function; an atomic `SET x = x - 1` or `F()` does not count: it settles
    a race on that counter, not on an existence or status check elsewhere in the function."""
    code = scope.code(check)
    locks = [found for found in _LOCKED.finditer(code) if not _ATOMIC_UPDATE.fullmatch(found.group(0))]
    return bool(locks) or "version_id_col" in check.ctx.text


# ---------------------------------------------------------------------------
# Side effects outside the process: money, messages, published events


_PAYMENT_METHOD = re.compile(
    r"^(charge|charge_\w+|create_charge|capture_payment|capture_charge|refund|refund_\w+|create_refund"
    r"|create_payment(_intent)?|make_payment|process_payment|submit_payment|pay_invoice|payout|create_payout"
    r"|create_transfer|send_transfer|initiate_transfer|make_transfer|transfer_funds|send_payment|initiate_payment"
    r"|send_money|send_payout|initiate_payout|authorize_payment)$")
# `refund_for(deposit, arrive)`, `charge_amount(order)`: a function that works out a sum, not one that moves it.
_AMOUNT_OF = re.compile(r"_(for|amount|amounts|cents|due|total|totals|policy|window|quote|preview|estimate|"
                        r"eligible|allowed|fee|fees)$")
_MESSAGE_METHOD = re.compile(
    r"^(send_email|send_mail|send_\w+_email|send_\w+_mail|sendmail|send_message|send_mass_mail|send_sms"
    r"|send_text_message|send_push|send_push_notification|send_receipt|send_invoice)$")
# A function imported from a module that sends messages (`app.notifications`, `core.mailer`) and named for it.
_NOTIFY_FUNCTION = re.compile(r"^(send|notify|email|mail|text|sms)_\w+$")
_NOTIFY_MODULE = re.compile(r"notif|mail|sms|messag|alert", re.I)
_FRAMEWORKS = ("flask", "werkzeug", "django", "starlette", "fastapi", "aiohttp", "quart", "sanic", "socket", "asyncio",
               "tornado", "bottle", "falcon", "litestar")
_PUBLISH_METHOD = re.compile(r"^(publish|basic_publish|publish_message|produce)$")
# `page.publish()` in a CMS writes to the database; a publish to one of these leaves the process.
_BROKER_WORDS = frozenset({"producer", "publisher", "pubsub", "sns", "broker", "bus", "channel", "kafka", "redis",
                           "client", "nats", "mq", "amqp", "rabbit", "rabbitmq", "topic", "stream", "events", "mqtt"})
_BROKER_MODULES = ("google.cloud.pubsub", "google.cloud.pubsub_v1", "boto3", "redis", "pika", "kafka",
                   "confluent_kafka", "paho", "nats", "aio_pika", "aiokafka")
_MAIL_WORDS = frozenset({"mail", "email", "smtp", "sms", "emailmessage", "emailmultialternatives", "sendgridapiclient",
                         "aiosmtplib"})
_HTTP_CLIENT_WORDS = frozenset({"client", "http", "session", "api"})
# `InvoiceItem`: a line billed on the customer's next invoice; created twice, it is billed twice.
_STRIPE_MONEY = frozenset({"charge", "charges", "paymentintent", "payment_intents", "refund", "refunds", "transfer",
                           "transfers", "payout", "payouts", "invoice", "invoices", "subscription", "subscriptions",
                           "invoiceitem", "invoiceitems", "invoice_items"})
_STRIPE_ACTIONS = frozenset({"create", "capture", "confirm", "pay"})
_PAYMENT_URL = re.compile(r"pay|charge|billing|transfer|payout|refund|order|checkout|invoice|capture", re.I)
_HTTP_POST = frozenset({"requests.post", "httpx.post", "requests.Session().post", "requests.session().post",
                        "httpx.Client().post", "httpx.AsyncClient().post", "aiohttp.ClientSession().post"})


def _stripe_resource(call: cst.Call, ctx: FileContext) -> bool:
    """`s.PaymentIntent.create(...)` with `s = _stripe()`, `client().Refund.create(...)`: a Stripe resource class
    reached through a helper that hands back the configured `stripe` module, in a file that imports stripe."""
    func = call.func
    return (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
            and func.value.attr.value in _STRIPE_CLASSES and ctx.imports_module("stripe"))


def _twilio_messages(call: cst.Call, ctx: FileContext) -> bool:
    """`sms.messages.create(...)` with `sms = _twilio()`, a helper that builds the Twilio client, in a file that
    imports twilio: the client's message list, reached through the helper."""
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value == "create" and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "messages" and ctx.imports_module("twilio"))


_STRIPE_CLASSES = frozenset({"PaymentIntent", "Charge", "Refund", "Transfer", "Payout", "Invoice", "Subscription",
                             "InvoiceItem"})


def side_effect(call: cst.Call, scope: Scope, ctx: FileContext) -> str | None:
    """What a call does outside the process that cannot be rolled back: "payment", "message" or "publish"."""
    name = method(call)
    if name is None:
        return None
    qualified = ctx.qualify(call.func) or ""
    if name in _STRIPE_ACTIONS and (qualified.startswith("stripe.") or _stripe_resource(call, ctx)):
        parts = {part.rstrip("()").lower() for part in qualified.split(".")}
        return "payment" if parts & _STRIPE_MONEY else None
    if (qualified.startswith("twilio.") and qualified.endswith("messages.create")) or _twilio_messages(call, ctx):
        return "message"
    if _PAYMENT_METHOD.match(name) and not _AMOUNT_OF.search(name):
        return "payment"
    if name in ("send_message", "send_message_batch") and _sqs_client(receiver(call), scope, ctx):
        return "publish"  # an SQS queue: a job or event for the services that consume it, not an e-mail
    if _MESSAGE_METHOD.match(name) or (name == "send_message" and "smtp" in qualified.lower()):
        return "message"
    if isinstance(call.func, cst.Name) and _NOTIFY_FUNCTION.match(name) and (
            _NOTIFY_MODULE.search(qualified.rpartition(".")[0])
            or (name.startswith("send_") and "." in qualified and not _qualified_in(qualified, _FRAMEWORKS))):
        # `from app.notifications import send_booking_confirmation`; `send_boarding_pass` from the app's own
        # services (a framework's `send_file` sends a response, not a message)
        return "message"
    recv = receiver(call)
    recv_path = (attribute_path(recv) or "") if recv is not None else ""
    if _PUBLISH_METHOD.match(name) and (name == "basic_publish" or _qualified_in(qualified, _BROKER_MODULES)
                                         or tokens(recv_path) & _BROKER_WORDS):
        return "publish"
    if name == "send" and recv is not None:
        recv_tokens = tokens(recv_path) | tokens(ctx.qualify(recv) or "")
        # What made the receiver: `message = EmailMessage(...)`, `gateway = SmsGateway()`, `sms.get_client()`.
        made = unwrap(recv)
        if isinstance(made, cst.Name):
            binding = scope.binding(made.value, call)
            made = unwrap(binding.value) if binding is not None and not binding.unpacked else None
        if isinstance(made, cst.Call):
            # A class splits at its capitals: `SmsGateway` -> sms, gateway.
            made_by = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", attribute_path(made.func) or "")
            recv_tokens |= tokens(made_by) | tokens(ctx.qualify(made.func) or "")
        if recv_tokens & _MAIL_WORDS:
            return "message"
        if recv_tokens & {"producer", "kafkaproducer"}:
            return "publish"
    if name == "post" and (qualified in _HTTP_POST or (recv is not None and tokens(recv_path) & _HTTP_CLIENT_WORDS)):
        url = positional(call)
        if url is None:
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == "url":
                    url = arg.value
        if url is not None and _PAYMENT_URL.search(_words_of(url, scope)):
            return "payment"
    return None


def _sqs_client(recv: cst.BaseExpression | None, scope: Scope, ctx: FileContext) -> bool:
    """`sqs.send_message(...)`, `_sqs().send_message(...)`, `boto3.client("sqs").send_message(...)`, or a name bound
    to `boto3.client("sqs")`."""
    if recv is None:
        return False
    made = unwrap(recv)
    if isinstance(made, cst.Name):
        binding = scope.binding(made.value, recv)
        if binding is not None and not binding.unpacked and isinstance(unwrap(binding.value), cst.Call):
            made = unwrap(binding.value)
    words = tokens(attribute_path(recv) or "")
    if isinstance(made, cst.Call):
        words |= tokens(attribute_path(made.func) or "")
        first = positional(made)
        text = string_text(first, scope) if first is not None else None
        if text is not None and text[0] == "sqs" and (ctx.qualify(made.func) or "").startswith(("boto3", "aioboto3")):
            return True
    return "sqs" in words


def _words_of(expr: cst.BaseExpression, scope: Scope) -> str:
    """The literal text and names in an expression, to judge what a URL points at."""
    found = string_text(expr, scope)
    words = [found[0]] if found is not None else []
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            words.append(node.value)
            binding = scope.binding(node.value, expr)
            if binding is not None:
                text = string_text(binding.value, scope)
                if text is not None:
                    words.append(text[0])
        elif isinstance(node, cst.Attribute):
            words.append(node.attr.value)
            stack.append(node.value)
        elif isinstance(node, cst.FormattedString):
            stack.extend(p.expression for p in node.parts if isinstance(p, cst.FormattedStringExpression))
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.left, node.right))
    return " ".join(words)


# Also the providers' own names for it: PayPal's `PayPal-Request-Id` header and a payout's `sender_batch_id`.
_IDEMPOTENCY = re.compile(r"idempot|dedup|deduplication|paypal-request-id|sender_batch_id", re.I)


def mentions_idempotency(scope: Scope, check: PythonCheck) -> bool:
    """The function passes an idempotency or deduplication key; not when every key it passes is made fresh for
    each call (`idempotency_key=uuid.uuid4().hex`): a retry or a re-sent request then carries a new key, and the
    provider cannot tell it from a new operation."""
    return bool(_IDEMPOTENCY.search(scope.code(check))) and not fresh_idempotency_key(scope, check.ctx)


def fresh_idempotency_key(scope: Scope, ctx: FileContext | None = None, within: cst.CSTNode | None = None) -> bool:
    """Every idempotency key the function (or this call, `within`) passes is made new for each call (see
    `mentions_idempotency`)."""
    values = _idempotency_values(scope, within)
    return bool(values) and all(_made_fresh(value, scope, ctx) for value in values)


# Calls whose value differs on every call: a key built from one is new on every attempt.
_FRESH_VALUES = frozenset({"uuid.uuid4", "uuid.uuid1", "secrets.token_hex", "secrets.token_urlsafe",
                           "secrets.token_bytes", "os.urandom", "random.random", "random.randint",
                           "random.getrandbits", "time.time", "time.time_ns", "time.monotonic",
                           "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.now", "datetime.utcnow"})


def _idempotency_values(scope: Scope, within: cst.CSTNode | None = None) -> list[cst.BaseExpression]:
    """The values given as idempotency keys: `idempotency_key=...` arguments and `"Idempotency-Key": ...` entries."""
    found = []
    for node in (scope.nodes if within is None else scope.within(within)):
        if isinstance(node, cst.Arg) and node.keyword is not None and _IDEMPOTENCY.search(node.keyword.value):
            found.append(node.value)
        elif isinstance(node, cst.DictElement) and isinstance(node.key, cst.SimpleString) and _IDEMPOTENCY.search(
                node.key.value):
            found.append(node.value)
    return found


def _made_fresh(value: cst.BaseExpression, scope: Scope, ctx: FileContext | None) -> bool:
    value = unwrap(value)
    if isinstance(value, cst.Name):
        binding = scope.binding(value.value, value if value in scope.index else None)
        if binding is None or binding.unpacked or binding.value is None:
            return False
        value = unwrap(binding.value)
    return any(isinstance(node, cst.Call) and _fresh_call(node, ctx) for node in descendants(value))


def _fresh_call(call: cst.Call, ctx: FileContext | None) -> bool:
    name = ctx.qualify(call.func) if ctx is not None else attribute_path(call.func)
    return name in _FRESH_VALUES or (name or "").rsplit(".", 1)[-1] in ("uuid4", "uuid1", "token_hex", "token_urlsafe")


# ---------------------------------------------------------------------------
# Retries


_RETRY_LIBRARIES = {"tenacity.retry": "tenacity", "backoff.on_exception": "backoff", "backoff.on_predicate": "backoff",
                    "retrying.retry": "retrying", "retry.retry": "retry", "retry.api.retry": "retry",
                    "stamina.retry": "stamina"}
TENACITY_LOOPS = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.TornadoRetrying"})


def retry_library(expr: cst.BaseExpression, ctx: FileContext) -> str | None:
    """Which retry library a decorator (or decorator call) comes from, through imports and aliases."""
    target = expr.func if isinstance(expr, cst.Call) else expr
    return _RETRY_LIBRARIES.get(ctx.qualify(target) or "")


# Huey's task decorators: `@huey.task(retries=3)`, `@db_task(retries=2)`, `@db_periodic_task(crontab(...), retries=2)`.
_HUEY_TASKS = frozenset({"task", "periodic_task", "db_task", "db_periodic_task"})


def retried_by_queue(decorator: cst.BaseExpression, ctx: FileContext) -> bool:
    """A task queue runs the whole function again when it raises: a Dramatiq actor (retried by default, up to
    20 times, unless `max_retries=0`), or a Huey task given `retries`."""
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    qualified = ctx.qualify(target) or ""
    given = {arg.keyword.value: arg.value for arg in decorator.args if arg.keyword is not None} \
        if isinstance(decorator, cst.Call) else {}
    if qualified in ("dramatiq.actor", "dramatiq.actor.actor"):
        limit = given.get("max_retries")
        return not (isinstance(limit, cst.Integer) and limit.evaluated_value == 0)
    name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
    if name in _HUEY_TASKS and (ctx.imports_module("huey") or qualified.startswith("huey.")):
        retries = given.get("retries")
        return retries is not None and not (isinstance(retries, cst.Integer) and retries.evaluated_value == 0)
    return False


def is_retried_function(fn: cst.FunctionDef, scope: Scope, ctx: FileContext) -> bool:
    """Decorated with a retry decorator, a task a queue runs again when it fails (Dramatiq, Huey with `retries`),
    or a Celery task that retries itself."""
    for deco in fn.decorators:
        if retry_library(deco.decorator, ctx) is not None or retried_by_queue(deco.decorator, ctx):
            return True
        call = deco.decorator
        if isinstance(call, cst.Call) and method(call) in ("task", "shared_task") and any(
                arg.keyword is not None and arg.keyword.value == "autoretry_for" for arg in call.args):
            return True
    if _queue_retry_raises(scope, ctx):
        return True
    # A bound Celery task (`@app.task(bind=True)`) that calls `self.retry(...)` runs its whole body again.
    is_task = any(isinstance(d.decorator, cst.Call) and method(d.decorator) in ("task", "shared_task")
                  for d in fn.decorators)
    first = fn.params.params[0].name.value if fn.params.params else None
    if first is None or not is_task:
        return False
    return any(method(call) == "retry" and attribute_path(receiver(call) or cst.Name("_")) == first
               for call in scope.calls())


def self_retry_calls(fn: cst.FunctionDef, scope: Scope, ctx: FileContext) -> list[cst.Call] | None:
    """The `self.retry(...)` calls of a retried function that retries only through them; None when a decorator or
    `autoretry_for` retries the whole body whatever fails."""
    for deco in fn.decorators:
        call = deco.decorator
        if retry_library(call, ctx) is not None or retried_by_queue(call, ctx) or (
                isinstance(call, cst.Call) and method(call) in ("task", "shared_task")
                and any(arg.keyword is not None and arg.keyword.value == "autoretry_for" for arg in call.args)):
            return None
    first = fn.params.params[0].name.value if fn.params.params else None
    return [call for call in scope.calls()
            if method(call) == "retry" and attribute_path(receiver(call) or cst.Name("_")) == first
            ] + _queue_retry_raises(scope, ctx)


def _queue_retry_raises(scope: Scope, ctx: FileContext) -> list[cst.Call]:
    """`raise Retry(defer=...)` in an arq job: the worker runs the whole job again, from its first line."""
    return [raised.exc for raised in scope.of_type(cst.Raise) if isinstance(raised.exc, cst.Call)
            and ctx.qualify(raised.exc.func) in ("arq.Retry", "arq.worker.Retry")]


@dataclass
class RetryLoop:
    """A loop that runs its body again when an attempt fails."""

    loop: cst.For | cst.While
    tries: list[cst.Try]  # the try statements whose except branch goes round again
    whole_body: bool = False  # `for attempt in Retrying(...)`: every statement of the body is retried


def retry_loops(scope: Scope, ctx: FileContext) -> list[RetryLoop]:
    found: list[RetryLoop] = []
    for loop in scope.of_type(*LOOPS):
        iterable = loop.iter if isinstance(loop, cst.For) else None
        if isinstance(iterable, cst.Call) and ctx.qualify(iterable.func) in TENACITY_LOOPS:
            found.append(RetryLoop(loop, [], whole_body=True))
            continue
        tries = [node for node in scope.within(loop.body) if isinstance(node, cst.Try)
                 and scope.innermost_loop(node) is loop and _goes_round_again(node, loop, scope)]
        if tries:
            found.append(RetryLoop(loop, tries))
    return found


# Exceptions that mean "not ready yet" rather than "failed": a loop around them is non-blocking I/O or polling.
_NOT_FAILURES = frozenset({"BlockingIOError", "InterruptedError", "SSLWantReadError", "SSLWantWriteError",
                           "WantReadError", "WantWriteError", "WantX509LookupError",
                           "WouldBlock", "Empty", "QueueEmpty", "StopIteration", "StopAsyncIteration", "KeyError",
                           "IndexError", "ValueError", "TypeError", "AttributeError", "UnicodeDecodeError",
                           "JSONDecodeError", "FileExistsError", "FileNotFoundError", "NotReady"})


def _retrying_handler(handler: cst.ExceptHandler) -> bool:
    """An except branch that goes round again after a real failure (not "would block", not bad data)."""
    if ends_in_exit(handler.body) or _ends_in_raising_helper(handler.body):
        return False
    if handler.type is None:
        return True
    caught = [el.value for el in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = {(attribute_path(expr) or "").rsplit(".", 1)[-1] for expr in caught}
    return not names <= _NOT_FAILURES


def _ends_in_raising_helper(block: cst.BaseSuite) -> bool:
    """`self._convert_socket_error(exc)`, `reraise(exc)`: a last call whose name says it raises."""
    statements = body_statements(block)
    last = statements[-1] if statements else None
    if not (isinstance(last, cst.SimpleStatementLine) and last.body and isinstance(last.body[-1], cst.Expr)):
        return False
    value = last.body[-1].value
    return isinstance(value, cst.Call) and bool(re.search(r"raise|convert|fail|abort", method(value) or "", re.I))


def _goes_round_again(attempt: cst.Try, loop: cst.For | cst.While, scope: Scope) -> bool:
    """Some except branch falls through or continues, and success leaves the loop (break/return/flag)."""
    if not any(_retrying_handler(handler) for handler in attempt.handlers):
        return False
    start = scope.index[attempt]
    flag = _loop_flag(loop)
    for node in scope.within(loop.body):
        if scope.index[node] <= start or scope.in_except(node, within=loop):
            continue
        if isinstance(node, cst.Return) or (isinstance(node, cst.Break) and scope.innermost_loop(node) is loop):
            return True
        if (flag is not None and isinstance(node, cst.Assign) and isinstance(node.value, cst.Name)
                and node.value.value in ("True", "False")
                and any(isinstance(t.target, cst.Name) and t.target.value == flag for t in node.targets)):
            return True
    return False


def _loop_flag(loop: cst.For | cst.While) -> str | None:
    """`while not done:` / `while retrying:` -> the flag's name."""
    if not isinstance(loop, cst.While):
        return None
    test = loop.test
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    return test.value if isinstance(test, cst.Name) and test.value not in ("True", "False") else None


# ---------------------------------------------------------------------------
# Calls that leave the process (for retry loops)


_REMOTE_MODULES = ("requests", "httpx", "aiohttp", "urllib.request", "urllib3", "http.client", "socket", "smtplib",
                   "ftplib", "grpc", "boto3", "botocore", "redis", "pika", "kafka", "confluent_kafka", "paramiko",
                   "stripe", "websocket", "websockets", "xmlrpc", "zeep", "pymongo", "motor", "elasticsearch",
                   *DB_MODULES)
_REMOTE_TOKENS = frozenset({"client", "api", "stub", "http", "gateway", "producer", "channel", "rpc", "remote",
                            "smtp", "sock", "socket", "redis", "s3", "sqs", "sns", "kafka", "broker", "session",
                            "conn", "connection", "requests", "httpx", "urllib", "upstream", "stripe"})


def is_remote_call(call: cst.Call, scope: Scope, ctx: FileContext) -> bool:
    """A call that talks to another process over the network: HTTP, a client, a broker, a database."""
    qualified = ctx.qualify(call.func)
    if _qualified_in(qualified, _REMOTE_MODULES):
        return True
    if side_effect(call, scope, ctx) is not None or is_query_call(call, scope, ctx):
        return True
    recv = receiver(call)
    if recv is None:
        return False
    return bool(tokens(attribute_path(recv) or "") & _REMOTE_TOKENS)
