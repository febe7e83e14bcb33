"""Where a record or a value came from, for the race checks (DB004, DB005): a query, a helper that runs one, Redis."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import libcst as cst

from reviewer.checks._base import FileContext, PythonCheck, argument_for, attribute_path, findall, is_name, is_none
from reviewer.checks._data import (
    DB_MODULES,
    Binding,
    Scope,
    _qualified_in,
    db_write,
    handed_function,
    in_transaction,
    is_dbish,
    is_camel,
    is_query_call,
    is_query_result,
    is_row_load,
    method,
    not_production_code,
    orm_model,
    positional,
    receiver,
    scope_of,
    sql_text,
    sql_verb,
    tokens,
    unwrap,
)

# Words that say a helper serialises what it loads: a row lock, or an atomic statement.
_LOCKING = re.compile(r"with_for_update|select_for_update|for\s+(no\s+key\s+)?update\b|for\s+share\b|advisory"
                      r"|\bF\(|\bset\s+(\w+)\s*=\s*\2\s*[-+*]", re.I)
# Functions of the app that load one record: `get_account(db, id)`, `exhibitor_for_principal(id, db, user)`.
_LOADER_NAME = re.compile(r"^_?(get|load|fetch|find|lookup|require|resolve)_|_for_|_or_404$|_by_")
_LOCKED_LOADER = re.compile(r"lock|for_update", re.I)
# Frameworks whose functions take a session without returning a record of the app's.
_LIBRARIES = frozenset({"sqlalchemy", "sqlmodel", "django", "flask", "flask_sqlalchemy", "fastapi", "starlette",
                        "rest_framework", "pydantic", "alembic", "celery"})
_SQL_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+[\"`\[]?(\w+)", re.I)
_SELECT_COLUMNS = re.compile(r"^\s*SELECT\s+(.*?)\s+FROM\b", re.I | re.S)
# `FROM bills b`, `JOIN accounts AS a`: a table and the alias a query names it by.
_TABLE_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+[\"`]?(\w+)[\"`]?(?:\s+(?:AS\s+)?(\w+))?", re.I)
_SQL_WORDS = frozenset({"WHERE", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "ON", "USING", "GROUP",
                        "ORDER", "LIMIT", "FOR", "UNION", "HAVING", "NATURAL", "WINDOW", "OFFSET", "RETURNING"})
_COUNTS = frozenset({"count", "exists"})
# Calls that only convert a value: `int(row[0])`, `Decimal(balance)`.
_CONVERSIONS = frozenset({"int", "float", "Decimal", "abs", "round", "decimal.Decimal"})
_ROW_ACCESS = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar", "fetchone"})
_ROWS_ACCESS = frozenset({"all", "scalars", "mappings", "unique", "fetchall", "iterator"})
_REDIS_READS = frozenset({"get", "hget", "exists", "hexists", "sismember", "getex"})
_REDIS_MODULES = frozenset({"redis", "aioredis", "fakeredis"})
_SIGNED_IN_USER = frozenset({"request.user", "self.request.user", "current_user"})
_ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide)


@dataclass(frozen=True)
class Origin:
    """What an expression holds, when it came from the database.

    kind: "row" (one record), "rows" (a query result), "keyed_rows" (a dict of a query's rows by a key),
    "paired_rows" (tuples that each hold one of a query's rows), "value"
    (a column value, a count, a Redis value) or "attr" (`record.field`: a column value, or a related record). model: the model class, table, or "redis".
    field: the column (for Redis: the key's source text). source: "orm", "sql" or "redis".
    """

    kind: str
    source: str = "orm"
    model: str | None = None
    field: str | None = None
    count: bool = False
    locked: bool = False
    # Columns a SQL row read from a joined table (`a.balance` of `FROM bills b JOIN accounts a`): (column, table).
    joined: tuple[tuple[str, str], ...] = ()
    position: int | None = None  # "paired_rows": where the row sits in each tuple (`[(p, qty[p.id]) for p in rows]`)
    signed_in: bool = False  # the signed-in user's row (`request.user`), or one of its related records

    def column(self, field: str | None, **changes) -> Origin:
        """This row's value of `field`, of the table that column was read from."""
        table = next((t for c, t in self.joined if c == field), self.model)
        return replace(self, field=field, model=table, joined=(), **changes)

    @property
    def is_record(self) -> bool:
        return self.kind in ("row", "attr")

    @property
    def is_value(self) -> bool:
        return self.kind in ("value", "attr")


def node_code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def is_arithmetic(node: cst.CSTNode) -> bool:
    """`a - b`, `a * b`... on numbers (not `"%s" + name`)."""
    return (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, _ARITHMETIC)
            and not any(isinstance(side, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString))
                        for side in (node.left, node.right)))


def is_redis(expr: cst.BaseExpression | None, scope: Scope, check: PythonCheck) -> bool:
    """A Redis client, by what made it (`redis.Redis(...)`, `redis.from_url(...)`) or its name."""
    if expr is None:
        return False
    qualified = check.ctx.qualify(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, expr)
        if binding is not None and not binding.unpacked and isinstance(binding.value, cst.Call):
            qualified = check.ctx.qualify(binding.value.func) or qualified
    if qualified and qualified.split(".")[0] in _REDIS_MODULES:
        return True
    return "redis" in tokens(attribute_path(expr) or "")


def disjuncts(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`a or b or c` -> [a, b, c]."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return disjuncts(test.left) + disjuncts(test.right)
    return [test]


class Rows:
    """Follows values back to the query that produced them, through local names, loops and the module's helpers."""

    def __init__(self, check: PythonCheck, module: cst.Module, module_scope: Scope) -> None:
        self.check = check
        self.ctx = check.ctx
        self.module_scope = module_scope
        self.functions: dict[str, cst.FunctionDef] = {}
        self.methods: dict[tuple[str, str], cst.FunctionDef] = {}
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                self.functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
                for inner in statement.body.body:
                    if isinstance(inner, cst.FunctionDef):
                        self.methods[(statement.name.value, inner.name.value)] = inner
        self._class_of = {fn: cls for (cls, _), fn in self.methods.items()}
        self._returns: dict[cst.FunctionDef, Origin | None] = {}
        self._sql: dict[cst.FunctionDef, tuple[str, bool] | None] = {}

    # --- helpers defined in this module ---------------------------------------------------
    def helper(self, call: cst.Call, scope: Scope) -> cst.FunctionDef | None:
        """The function of this module a call runs: `_load(x)`, or `self._load(x)` in a method of the same class."""
        func = call.func
        if isinstance(func, cst.Name):
            if func.value in scope.params:
                return None
            binding = scope.binding(func.value, call)
            if binding is not None and binding.at in scope.index:
                return None  # a local name, not the module's function
            return self.functions.get(func.value)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            root = scope.root
            cls = self._class_of.get(root) if isinstance(root, cst.FunctionDef) else None
            return self.methods.get((cls, func.attr.value)) if cls is not None else None
        return None

    def _picked_argument(self, fn: cst.FunctionDef, call: cst.Call) -> cst.BaseExpression | None:
        """The argument a helper returns one item of: `return agents[i]`, `return random.choice(agents)`,
        `return min(agents, key=...)`, also through a local name (`agent = agents[i]; return agent`)."""
        scope = self._helper_scope(fn)
        params = [p.name.value for p in fn.params.params]
        for ret in scope.of_type(cst.Return):
            value = ret.value
            if isinstance(value, cst.Name) and value.value not in params:
                binding = scope.binding(value.value, ret)
                value = binding.value if binding is not None and not binding.unpacked else None
            picked = None
            if (isinstance(value, cst.Subscript) and isinstance(value.value, cst.Name) and len(value.slice) == 1
                    and isinstance(value.slice[0].slice, cst.Index)):  # `agents[i]`, not a slice `agents[:3]`
                picked = value.value.value
            elif (isinstance(value, cst.Call) and (attribute_path(value.func) or "").rsplit(".", 1)[-1]
                  in ("choice", "min", "max") and value.args and isinstance(value.args[0].value, cst.Name)):
                picked = value.args[0].value.value
            if picked is not None and picked in params:
                return argument_for(call, fn, picked)
        return None

    def _helper_scope(self, fn: cst.FunctionDef) -> Scope:
        return scope_of(fn, self.module_scope)

    def returned(self, fn: cst.FunctionDef, depth: int) -> Origin | None:
        """What a helper returns, when it returns a record, rows or a value read from the database."""
        if fn in self._returns:
            return self._returns[fn]
        self._returns[fn] = None  # recursion guard
        scope = self._helper_scope(fn)
        found = None
        for ret in scope.of_type(cst.Return):
            if ret.value is None:
                continue
            found = self.origin(ret.value, ret, scope, depth + 1)
            if found is not None:
                break
        if found is not None and _LOCKING.search(scope.code(self.check)):
            found = replace(found, locked=True)
        self._returns[fn] = found
        return found

    def sql(self, expr: cst.BaseExpression | None, scope: Scope) -> tuple[str, bool] | None:
        """The SQL an expression holds, also when a helper of this module builds it (`execute(_insert_sql(x))`)."""
        found = sql_text(expr, scope)
        if found is not None or not isinstance(expr, cst.Call):
            return found
        fn = self.helper(expr, scope)
        if fn is None:
            return None
        if fn not in self._sql:
            self._sql[fn] = None
            inner = self._helper_scope(fn)
            for ret in inner.of_type(cst.Return):
                text = sql_text(ret.value, inner) if ret.value is not None else None
                if text is not None:
                    self._sql[fn] = text
                    break
        return self._sql[fn]

    def sql_verb(self, expr: cst.BaseExpression | None, scope: Scope) -> str | None:
        verb = sql_verb(expr, scope)
        if verb is not None or not isinstance(expr, cst.Call):
            return verb
        text = self.sql(expr, scope)
        return text[0].lstrip("( ").split(" ", 1)[0] if text is not None else None

    def table(self, expr: cst.BaseExpression | None, scope: Scope) -> str | None:
        text = self.sql(expr, scope)
        found = _SQL_TABLE.search(text[0]) if text is not None else None
        return found.group(1).lower() if found is not None else None

    # --- where a value came from -----------------------------------------------------------
    def origin(self, expr: cst.BaseExpression, at: cst.CSTNode, scope: Scope, depth: int = 0) -> Origin | None:
        if depth > 7:
            return None
        expr = unwrap(expr)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            return self.origin(expr.left, at, scope, depth + 1)  # `row["qty"] or 0`
        if isinstance(expr, cst.IfExp):
            return self.origin(expr.body, at, scope, depth + 1)  # `row["qty"] if row else 0`
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            # `set(held) | set(sold)`: the rows of both queries together, judged by the first.
            left = self.origin(expr.left, at, scope, depth + 1)
            return left if left is not None and left.kind == "rows" else None
        if attribute_path(expr) in _SIGNED_IN_USER:
            # Django's `request.user` and Flask-Login's `current_user`: the caller's row, loaded per request.
            return Origin("row", "orm", "user", signed_in=True)
        if isinstance(expr, cst.Name):
            return self._name_origin(expr, at, scope, depth)
        if isinstance(expr, cst.Attribute):
            base = self.origin(expr.value, at, scope, depth + 1)
            if base is not None and base.is_record:
                return base.column(expr.attr.value, kind="attr", count=False)
            return None
        if isinstance(expr, cst.Subscript):
            return self._subscript_origin(expr, at, scope, depth)
        if isinstance(expr, cst.Call):
            # `await asyncio.to_thread(db.fetch_one, "SELECT ...", args)`: the call it makes in a thread.
            handed = handed_function(expr, self.ctx)
            return self._call_origin(handed if handed is not None else expr, at, scope, depth)
        if (isinstance(expr, cst.DictComp) and isinstance(expr.value, cst.Name) and isinstance(expr.for_in.target, cst.Name)
                and expr.value.value == expr.for_in.target.value and expr.for_in.inner_for_in is None):
            # `{r["sku"]: r for r in cur.execute(...)}`: the rows by a key, each picked by `by_sku[sku]`.
            rows = self.origin(expr.for_in.iter, at, scope, depth + 1)
            return replace(rows, kind="keyed_rows") if rows is not None and rows.kind == "rows" else None
        if (isinstance(expr, (cst.ListComp, cst.GeneratorExp)) and isinstance(expr.elt, cst.Tuple)
                and isinstance(expr.for_in.target, cst.Name) and expr.for_in.inner_for_in is None):
            # `[(p, wanted[p.id]) for p in products]`: each tuple carries one of the rows.
            position = next((i for i, element in enumerate(expr.elt.elements) if isinstance(element.value, cst.Name)
                             and element.value.value == expr.for_in.target.value), None)
            rows = self.origin(expr.for_in.iter, at, scope, depth + 1) if position is not None else None
            return replace(rows, kind="paired_rows", position=position) if rows is not None and rows.kind == "rows" \
                else None
        return None

    def _name_origin(self, name: cst.Name, at: cst.CSTNode, scope: Scope, depth: int) -> Origin | None:
        binding = scope.binding(name.value, at)
        loop = self._loop_binding(name.value, at, scope)
        if loop is not None and (binding is None or scope.index[loop] > binding.index):
            rows = self.origin(loop.iter, loop, scope, depth + 1)
            return replace(rows, kind="row") if rows is not None and rows.kind == "rows" else None
        paired = self._paired_loop(name.value, at, scope)
        if paired is not None and (binding is None or scope.index[paired[0]] > binding.index):
            rows = self.origin(paired[0].iter, paired[0], scope, depth + 1)
            return replace(rows, kind="row", position=None) if (
                rows is not None and rows.kind == "paired_rows" and rows.position == paired[1]) else None
        if binding is None and name.value in scope.params:
            return _typed_record_param(name.value, scope, self.ctx)
        if binding is None or binding.at is None or binding.at not in scope.index:
            return None
        if binding.unpacked:
            value = unwrap(binding.value)
            row = None
            if isinstance(value, cst.Call) and method(value) in ("fetchone", "fetchrow"):
                row = self._call_origin(value, binding.at, scope, depth + 1)
            elif isinstance(value, (cst.Name, cst.Subscript)):
                row = self.origin(value, binding.at, scope, depth + 1)  # `row = cur.fetchone()`, `a, b = row`
            if row is not None and row.kind == "row" and row.source == "sql":
                position = _position_in_target(name.value, binding.at)
                columns = row.field.split(",") if row.field else []
                column = columns[position] if position is not None and position < len(columns) else None
                return row.column(column, kind="value", count=_is_aggregate(column))
            if (isinstance(value, cst.Call) and method(value) in ("get_or_create", "update_or_create")
                    and _position_in_target(name.value, binding.at) == 0 and is_query_call(value, scope, self.ctx)):
                return Origin("row", "orm", self._model(value, scope))  # `stats, _ = Stats.objects.get_or_create()`
            return None
        loaded = _loaded_before_made(name.value, binding, scope)
        if loaded is not None:
            binding = loaded
        return self.origin(binding.value, binding.at, scope, depth + 1)

    def _loop_binding(self, name: str, at: cst.CSTNode, scope: Scope) -> cst.For | None:
        """The `for` loop around `at` whose target is `name` (also `for i, name in enumerate(...)`)."""
        for ancestor in scope.ancestors(at):
            if not isinstance(ancestor, cst.For):
                continue
            target = ancestor.target
            if isinstance(target, cst.Name) and target.value == name:
                return ancestor
            if (isinstance(target, cst.Tuple) and len(target.elements) == 2 and isinstance(ancestor.iter, cst.Call)
                    and method(ancestor.iter) == "enumerate" and isinstance(target.elements[1].value, cst.Name)
                    and target.elements[1].value.value == name):
                return ancestor
        return None

    def _paired_loop(self, name: str, at: cst.CSTNode, scope: Scope) -> tuple[cst.For, int] | None:
        """The `for product, qty in lines:` loop around `at` that unpacks `name`, and its place in the tuple."""
        for ancestor in scope.ancestors(at):
            if isinstance(ancestor, cst.For) and isinstance(ancestor.target, cst.Tuple):
                for position, element in enumerate(ancestor.target.elements):
                    if isinstance(element.value, cst.Name) and element.value.value == name:
                        return ancestor, position
        return None

    def _subscript_origin(self, expr: cst.Subscript, at: cst.CSTNode, scope: Scope, depth: int) -> Origin | None:
        base = self.origin(expr.value, at, scope, depth + 1)
        if base is None or len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return None
        if base.kind == "value" and base.count and base.source == "orm":
            return base  # `totals["n"]` of `.aggregate(n=Sum(...))`
        index = expr.slice[0].slice.value
        if (base.kind == "rows" and isinstance(index, (cst.Integer, cst.UnaryOperation))) or base.kind == "keyed_rows":
            return replace(base, kind="row")  # `matches[0]`, `by_sku[sku]`
        if base.kind == "row" and base.source != "redis":
            if isinstance(index, cst.SimpleString):
                key = str(index.evaluated_value)
                # `row["n"]` of `SELECT count(*) AS n`: the count, by its name.
                counted = next((c for c in (base.field or "").split(",") if c.endswith(" " + key.lower())
                                and _is_aggregate(c)), None)
                if counted is not None:
                    return base.column(counted, kind="value", count=True)
                return base.column(key, kind="value")
            columns = base.field.split(",") if base.field else []
            position = int(index.value) if isinstance(index, cst.Integer) else len(columns)
            column = columns[position] if position < len(columns) else None
            return base.column(column, kind="value", count=_is_aggregate(column))
        return None

    def _call_origin(self, call: cst.Call, at: cst.CSTNode, scope: Scope, depth: int) -> Origin | None:
        name = method(call)
        ctx = self.ctx
        if isinstance(call.func, (cst.Name, cst.Attribute)) and (attribute_path(call.func) or "") in _CONVERSIONS:
            first = positional(call)
            inner = self.origin(first, at, scope, depth + 1) if first is not None else None
            return inner if inner is not None and inner.is_value else None
        recv = receiver(call)
        if name in _REDIS_READS and call.args and is_redis(recv, scope, self.check):
            key = node_code(call.args[0].value) if name not in ("hget", "hexists") or len(call.args) < 2 else (
                node_code(call.args[0].value) + "|" + node_code(call.args[1].value))
            return Origin("value", "redis", "redis", key, count=name in ("exists", "hexists", "sismember"))
        fn = self.helper(call, scope)
        if fn is not None:
            found = self.returned(fn, depth)
            if found is None:
                # `_next_in_rotation(team_id, agents)` returning `agents[i]`: one of the rows the caller handed it.
                given = self._picked_argument(fn, call)
                rows = self.origin(given, at, scope, depth + 1) if given is not None else None
                if rows is not None and rows.kind == "rows":
                    return replace(rows, kind="row")
            return found
        if isinstance(call.func, cst.Name) and self._imported_loader(call, scope):
            # `exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)`: a function of another module,
            # handed the session, returns a record of it (locked only if its name says so).
            return Origin("row", "orm", None, locked=bool(_LOCKED_LOADER.search(call.func.value)))
        if name == "get_object" and not call.args and is_name(recv, "self") and ctx.class_stack:
            return Origin("row", "orm", None)  # a view's `self.get_object()` (Django, DRF): the record the URL names
        if name in ("fetchone", "fetchrow", "fetch_one") and is_row_load(call, scope, ctx):
            table, columns, joined = self._read_by(call, at, scope)
            return Origin("row", "sql", table, columns, joined=joined)
        if name in ("fetchall", "fetchmany") and recv is not None and is_query_result(call, scope, ctx):
            table, columns, joined = self._read_by(call, at, scope)
            return Origin("rows", "sql", table, columns, joined=joined)
        if (name in ("fetchval", "scalar") and isinstance(recv, cst.Call) and method(recv) == "execute") or (
                name in ("fetchval", "fetch_val") and call.args and is_query_call(call, scope, ctx)):
            table, columns, _joined = self._read_by(call, at, scope)
            if table is not None:
                column = columns.split(",")[0] if columns else None
                return Origin("value", "sql", table, column, count=_is_aggregate(column))
        if name in _ROW_ACCESS | _ROWS_ACCESS and isinstance(recv, cst.Name):
            # `result = session.execute(select(Wallet)...)`, then `result.scalar_one()`
            base = self.origin(recv, at, scope, depth + 1)
            if base is not None and base.kind == "rows":
                return base if name in _ROWS_ACCESS else replace(base, kind="row")
        if name in ("count", "aggregate"):  # an existence test through a related manager is judged as existence
            related = self._related_model(call, at, scope, depth)
            if related is not None:  # `slot.reservations.exclude(...).aggregate(n=Sum("party_size"))`
                return Origin("value", "orm", related, count=True)
        if name in ("first", "last", "get", "earliest", "latest"):
            related = self._related_model(call, at, scope, depth)
            if related is not None:  # `shelf = firing.shelves.filter(free_cm__gte=w).first()`: one child record
                return Origin("row", "orm", related)
        if not is_query_call(call, scope, ctx) and not (
                name in ("all", "scalars", "exec") and is_query_result(call, scope, ctx)):
            return None
        model = self._model(call, scope)
        if name in _COUNTS or name == "aggregate":  # `.aggregate(n=Sum(...))["n"]`: a total of the rows, like a count
            return Origin("value", "orm", model, count=True)
        if name in ("scalar", "scalar_one", "scalar_one_or_none", "one", "first", "one_or_none"):
            counted = self._counted_model(call, scope)
            # `session.scalar(select(func.count()).select_from(Booking).where(...))`; SQLModel's
            # `session.exec(select(func.count(Pickup.id)).where(...)).one()` gives the count itself.
            if counted is not None:
                return Origin("value", "orm", counted, count=True)
        if is_row_load(call, scope, ctx):
            return Origin("row", "orm", model)
        if name in ("execute", "fetch", "fetch_all") and call.args:
            table, columns, joined = self._read_by(call, at, scope)
            if table is not None:
                return Origin("rows", "sql", table, columns, joined=joined)
        # `.only(...)`, `.defer(...)` and `.annotate(...)` still give the model's rows, fields loaded or not.
        if name in ("execute", "raw", "filter", "filter_by", "all", "order_by", "exclude", "scalars", "exec", "where",
                    "limit", "select_related", "prefetch_related", "options", "iterator", "only", "defer",
                    "annotate", "distinct", "using", "join", "outerjoin"):
            return Origin("rows", "orm", model)
        return None

    def _related_model(self, call: cst.Call, at: cst.CSTNode, scope: Scope, depth: int) -> str | None:
        """The children a Django related manager of a loaded record queries: `slot.reservations.filter(...)` on a
        `slot` read from the database gives `reservations`."""
        inner = call.func
        while isinstance(inner, cst.Attribute) and isinstance(inner.value, cst.Call):
            inner = inner.value.func
        if not (isinstance(inner, cst.Attribute) and isinstance(inner.value, cst.Attribute)
                and isinstance(inner.value.value, cst.Name)):
            return None
        accessor = inner.value.attr.value
        if not accessor.endswith("s") or accessor == "objects":
            return None
        parent = self.origin(inner.value.value, at, scope, depth + 1)
        if parent is not None and parent.kind == "row" and parent.source == "orm":
            return accessor
        # A helper given the record (`def allocated(night): return night.slot_requests.filter(...).aggregate(
        # total=Sum("hours"))["total"]`): a filter by keywords, then a Django aggregate, reads its children.
        if inner.value.value.value in scope.params and method(call) == "aggregate" and any(
                method(c) in ("filter", "exclude") and any(a.keyword is not None for a in c.args)
                for c in findall(call, cst.Call)):
            return accessor
        return None

    def _imported_loader(self, call: cst.Call, scope: Scope) -> bool:
        """An imported function (not a library's) called with the database session or connection and a key."""
        name = call.func.value if isinstance(call.func, cst.Name) else ""
        if not _LOADER_NAME.search(name) or scope.binding(name, call) is not None or name in self.functions:
            return False
        qualified = self.ctx.qualify(call.func) or ""
        if qualified == name or _qualified_in(qualified, DB_MODULES) or qualified.split(".")[0] in _LIBRARIES:
            return False
        return any(is_dbish(arg.value, scope, self.ctx) for arg in call.args) and len(call.args) >= 2

    def _model(self, call: cst.Call, scope: Scope) -> str | None:
        orm = orm_model(call, scope, self.ctx)
        if orm is not None:
            return orm[1]
        for inner in scope.calls_within(call) if call in scope.index else ():
            if method(inner) in ("select", "get", "get_object_or_404", "get_or_404") and inner.args:
                path = attribute_path(inner.args[0].value) or ""
                if path[:1].isupper():
                    return path.split(".")[0]
        return None

    @staticmethod
    def _counted_model(call: cst.Call, scope: Scope) -> str | None:
        """The model a SQLAlchemy count statement counts: `select(func.count()).select_from(Booking)`,
        `select(func.count(Booking.id))` or a total of its rows, `select(func.coalesce(func.sum(Booking.seats), 0))`."""
        inner = scope.calls_within(call) if call in scope.index else []
        if not any(attribute_path(c.func) in ("func.count", "func.sum") for c in inner):
            return None
        for c in inner:
            first = positional(c)
            path = attribute_path(first) if first is not None else None
            if path is not None and method(c) in ("select_from", "count", "sum") and is_camel(path.split(".")[0]):
                return path.split(".")[0]
        return None

    def _read_by(self, fetch: cst.Call, at: cst.CSTNode,
                 scope: Scope) -> tuple[str | None, str | None, tuple[tuple[str, str], ...]]:
        """(table, comma-separated columns, the columns read from a joined table) of the SELECT a fetch reads the
        result of."""
        recv = receiver(fetch)
        sql = None
        if isinstance(recv, cst.Call) and method(recv) == "execute":
            sql = positional(recv)
        elif method(fetch) in ("fetchrow", "fetchval", "fetch", "execute", "fetch_one", "fetch_val", "fetch_all") and fetch.args:
            sql = positional(fetch)
        elif recv is not None and at in scope.index:
            executed = last_execute(fetch, at, scope)
            sql = positional(executed) if executed is not None else None
        text = sql_text(sql, scope)
        if text is None or not text[0].lstrip("( ").startswith(("SELECT", "WITH")):
            return None, None, ()
        table = _SQL_TABLE.search(text[0])
        columns = _SELECT_COLUMNS.match(text[0].lstrip("( "))
        names = None
        joined: list[tuple[str, str]] = []
        if columns is not None:
            parts = _top_level_parts(columns.group(1))
            names = ",".join(_column_name(part) for part in parts)
            main = table.group(1).lower() if table is not None else None
            named = _TABLE_ALIAS.findall(text[0])
            tables = {name.lower() for name, _alias in named}
            aliases = {alias.lower(): name.lower() for name, alias in named if alias and alias.upper() not in _SQL_WORDS}
            for part in parts:
                qualified = re.match(r"\s*(\w+)\.\w+", part)
                source = aliases.get(qualified.group(1).lower(), qualified.group(1).lower()) if qualified else None
                if source is not None and source != main and source in tables:
                    joined.append((_column_name(part), source))
        return (table.group(1).lower() if table is not None else None), names, tuple(joined)


def last_execute(fetch: cst.Call, before: cst.CSTNode, scope: Scope) -> cst.Call | None:
    """`cur.execute(sql)` that `cur.fetchone()` reads the result of: the last `execute` on that cursor before."""
    cursor = attribute_path(receiver(fetch) or cst.Name("_"))
    executes = [c for c in scope.calls() if method(c) == "execute" and scope.index[c] < scope.index[before]
                and attribute_path(receiver(c) or cst.Name("_")) == cursor]
    return executes[-1] if executes else None


def _top_level_parts(columns: str) -> list[str]:
    """The columns of a SELECT list, split at the commas outside parentheses (`COALESCE(SUM(qty), 0) AS n, id`)."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(columns):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(columns[start:position])
            start = position + 1
    parts.append(columns[start:])
    return parts


def _column_name(expression: str) -> str:
    """`a.balance` -> balance, `qty AS n` -> n, `COUNT(*)` -> count(*), `COUNT(*) AS n` -> `count(*) n` (the
    aggregate, then the name a row is read by), `COALESCE(SUM(qty), 0) AS n` -> `coalesce(sum(qty)0) n` (one word:
    the column list is joined with commas)."""
    expression = expression.strip().lower()
    if _AGGREGATE.match(expression):
        alias = re.search(r"\)\s+(?:as\s+)?(\w+)$", expression)
        body = re.sub(r"[\s,]+", "", expression[:alias.start() + 1] if alias is not None else expression)
        return body if alias is None else f"{body} {alias.group(1)}"
    return expression.split(" ")[-1].split(".")[-1]


_AGGREGATE = re.compile(r"((coalesce|ifnull)\s*\(\s*)?(count|sum|exists)\s*\(")


def _is_aggregate(column: str | None) -> bool:
    """`count(*)`, `sum(amount)`: a column of a SELECT that counts or adds up rows."""
    return column is not None and bool(_AGGREGATE.match(column))


def _position_in_target(name: str, assignment: cst.CSTNode) -> int | None:
    """Where `name` sits in `(a, b) = ...`."""
    if not isinstance(assignment, cst.Assign):
        return None
    for target in assignment.targets:
        if isinstance(target.target, (cst.Tuple, cst.List)):
            for position, element in enumerate(target.target.elements):
                if isinstance(element.value, cst.Name) and element.value.value == name:
                    return position
    return None


_SET_COLUMN = re.compile(r"(\w+)\s*=")
_WORD = re.compile(r"[A-Za-z_]\w*")
_CLAIM_FIELDS = re.compile(r"version|revision|etag|updated_at|modified_at", re.I)


def update_columns(text: str) -> tuple[set[str], set[str]]:
    """(columns an UPDATE sets, words of its WHERE clause), lower case."""
    parts = re.split(r"\bWHERE\b", text, maxsplit=1, flags=re.I)
    setting = re.split(r"\bSET\b", parts[0], maxsplit=1, flags=re.I)
    assigned = {column.lower() for column in _SET_COLUMN.findall(setting[-1])}
    where = {word.lower() for word in _WORD.findall(parts[1])} if len(parts) > 1 else set()
    return assigned, where


def is_conditional_update(call: cst.Call, rows: Rows, scope: Scope) -> bool:
    """An UPDATE that only applies while a column still holds what was read: `... WHERE id = %s AND qty = %s`,
    `filter(pk=pk, status="queued").update(status="running")`: a compare-and-set or a claim."""
    name = method(call)
    if name in ("execute", "executemany"):
        sql = positional(call)
        text = rows.sql(sql, scope) if rows.sql_verb(sql, scope) == "UPDATE" else None
        if text is None:
            return False
        assigned, where = update_columns(text[0])
        return bool(assigned & where) or any(_CLAIM_FIELDS.search(word) for word in where)
    if name != "update" or call not in scope.index or orm_model(call, scope, rows.ctx) is None:
        return False
    inner_calls = scope.calls_within(call)
    if any(method(inner) == "exclude" and any(arg.keyword is not None and arg.keyword.value in ("pk", "id")
                                              for arg in inner.args) for inner in inner_calls):
        return False  # `filter(quote=q, status="sent").exclude(pk=bid.pk).update(...)`: the others, not this record
    filtered = {arg.keyword.value.split("__")[0] for inner in inner_calls
                if method(inner) in ("filter", "filter_by", "exclude") for arg in inner.args if arg.keyword is not None}
    updated = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    for arg in call.args:
        if arg.keyword is None and isinstance(arg.value, cst.Dict):
            updated |= {str(el.key.evaluated_value) for el in arg.value.elements
                        if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)}
    return bool(filtered & updated) or any(_CLAIM_FIELDS.search(field) for field in filtered)


def has_conditional_update(scope: Scope, rows: Rows) -> bool:
    return any(method(call) in ("execute", "executemany", "update") and is_conditional_update(call, rows, scope)
               for call in scope.calls())


def conditionally_updated(scope: Scope, rows: Rows) -> list[str | None]:
    """The models or tables the function's conditional updates claim (None when not known): a claim on an order
    (`UPDATE orders ... WHERE id = ? AND status = 'ready'`) serialises that order, not the stock it then changes."""
    found = []
    for call in scope.calls():
        if method(call) in ("execute", "executemany", "update") and is_conditional_update(call, rows, scope):
            if method(call) == "update":
                orm = orm_model(call, scope, rows.ctx)
                found.append(orm[1] if orm is not None else None)
            else:
                found.append(rows.table(positional(call), scope))
    return found


def same_model(a: str | None, b: str | None) -> bool:
    """`User` and `users`, `Category` and `categories` name one table."""
    return a is not None and b is not None and _normal(a) == _normal(b)


def _normal(name: str) -> str:
    name = re.sub(r"[^a-z0-9]", "", name.lower())
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def is_script(module: cst.Module, check: PythonCheck) -> bool:
    """A command-line script (`if __name__ == "__main__":` at the top level, no web framework): one writer."""
    if check.ctx.is_web_app:
        return False
    for statement in module.body:
        if isinstance(statement, cst.If) and isinstance(statement.test, cst.Comparison):
            left = statement.test.left
            if isinstance(left, cst.Name) and left.value == "__name__":
                return True
    return False


class RowsCheck(PythonCheck):
    """A check that judges each function of a module's production code with one `Rows` tracer for the file;
    tests, migrations and command-line scripts (one writer) are never judged."""

    _module_scope: Scope | None = None
    _module: cst.Module | None = None
    _rows: Rows | None = None
    _script: bool | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._module_scope = scope_of(node)
        self._rows = Rows(self, node, self._module_scope)
        self._script = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._script is None:  # imports are known once the first function is reached
            self._script = is_script(self._module, self)
        if not_production_code(self.ctx) or self._rows is None or (self._script and self.skips_script()):
            return
        self.judge(node, scope_of(node, self._module_scope))

    def skips_script(self) -> bool:
        """Whether a command-line script of this module is left alone (one writer)."""
        return True

    def judge(self, node: cst.FunctionDef, scope: Scope) -> None:  # pragma: no cover - every subclass implements it
        raise NotImplementedError


def saves(call: cst.Call, obj: str | None, scope: Scope, ctx) -> bool:
    """`obj.save(...)`, or a database commit or flush: the call that stores a changed record."""
    name = method(call)
    if name == "save":
        return obj is not None and attribute_path(receiver(call) or cst.Name("_")) == obj
    return name in ("commit", "flush") and db_write(call, scope, ctx) is not None


def saving_call(change: cst.CSTNode, obj: str | None, scope: Scope, ctx) -> cst.Call | None:
    """The first call after a change of `obj` that stores it."""
    return next((c for c in scope.calls() if scope.before(change, c) and saves(c, obj, scope, ctx)), None)


def is_saved(change: cst.CSTNode, obj: str | None, scope: Scope, ctx) -> bool:
    """A change of `obj` that reaches the database: inside a transaction block, or stored by a later call."""
    return in_transaction(change, scope, ctx) or saving_call(change, obj, scope, ctx) is not None


# Type names of request bodies and settings, not of stored records: `JobIn`, `BookingCreate`, `Settings`.
_NOT_A_RECORD = re.compile(r"(In|Out|Create|Update|Schema|Request|Response|Body|Form|Params|Payload|DTO|Data|Config|"
                           r"Settings|Session|Client|Connection|Service|Repository|Context)$")


def _typed_record_param(name: str, scope: Scope, ctx: FileContext) -> Origin | None:
    """`merchant: Merchant` beside `db: Session`, `Merchant` imported from a models module: a helper handed a record
    its caller loaded, to change and commit (not `stats: MigrationStats`, a counter object)."""
    root = scope.root
    if not isinstance(root, cst.FunctionDef):
        return None
    params = (*root.params.params, *root.params.kwonly_params)
    param = next((p for p in params if p.name.value == name), None)
    annotation = param.annotation.annotation if param is not None and param.annotation is not None else None
    if not (isinstance(annotation, cst.Name) and is_camel(annotation.value) and not _NOT_A_RECORD.search(
            annotation.value)) or param.default is not None:
        return None
    source = ctx.imports.get(annotation.value, "")
    if "models" not in source.split(".")[:-1]:
        return None
    handed_a_session = any(
        p.name.value in ("db", "session", "conn", "connection", "cur", "cursor")
        or (p.annotation is not None and (attribute_path(p.annotation.annotation) or "").rsplit(".", 1)[-1]
            in ("Session", "AsyncSession", "Connection", "Cursor"))
        for p in params if p is not param)
    return Origin("row", "orm", annotation.value) if handed_a_session else None


def _loaded_before_made(name: str, binding: Binding, scope: Scope) -> Binding | None:
    """`card = load(...)`, then `if card is None: card = LoyaltyCard(...)`: the name holds the loaded row, or a new
    one made only when there was none. The binding of the loaded row, when `binding` is that second one."""
    for ancestor in scope.ancestors(binding.at):
        if isinstance(ancestor, cst.If):
            test = ancestor.test
            missing = ((isinstance(test, cst.Comparison) and is_name(test.left, name) and len(test.comparisons) == 1
                        and isinstance(test.comparisons[0].operator, cst.Is) and is_none(test.comparisons[0].comparator))
                       or (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
                           and is_name(test.expression, name)))
            if not missing or ancestor.orelse is not None or ancestor not in scope.index:
                return None
            earlier = scope.binding(name, ancestor)
            return earlier if earlier is not None and not earlier.unpacked and earlier.at in scope.index else None
        if isinstance(ancestor, (cst.FunctionDef, cst.For, cst.While, cst.Try, cst.With)):
            return None
    return None
