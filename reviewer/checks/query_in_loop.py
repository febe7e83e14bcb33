"""DB001: a query run once per row of another query's result (N+1), directly or through a helper."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, keyword
from reviewer.checks._data import (
    COMPREHENSIONS,
    Scope,
    chain_methods,
    db_write,
    is_chain_link,
    is_query_call,
    is_query_result,
    method,
    not_production_code,
    orm_model,
    positional,
    scope_of,
    unwrap,
)

# A helper wrapped in one of these answers repeated calls from memory, not from the database.
_MEMOIZED = frozenset({"lru_cache", "cache", "cached", "memoize", "memoized", "cached_property"})
# Methods of a Django related manager (`order.items.all()`) that run a query; the first group is answered
# from the cache that `prefetch_related` fills, the second always queries.
_RELATED_CACHED = frozenset({"all", "count", "exists", "first", "last"})
_RELATED_QUERY = frozenset({"filter", "exclude", "get", "aggregate", "values", "values_list", "order_by", "annotate"})
_ROW_WRITES = frozenset({"save", "delete", "update", "bulk_create", "bulk_update", "create", "update_or_create"})
# A queryset ending in one of these is lazy: handed to another function, it is not run here.
_LAZY = frozenset({"all", "filter", "exclude", "order_by", "select_related", "prefetch_related", "only", "defer",
                   "values", "values_list", "annotate", "distinct", "using"})
# Handing a lazy queryset to these runs it right away.
_EVALUATORS = frozenset({"list", "tuple", "len", "set", "sorted", "sum", "any", "bool", "dict", "iter", "next",
                         "enumerate", "JsonResponse"})
_EAGER = frozenset({"prefetch_related", "select_related", "joinedload", "selectinload", "subqueryload", "options"})

Key = tuple[str, str]  # (class name or "", function name)


class QueryInLoop(PythonCheck):
    """A database query inside a loop over rows from another query (N+1), also through a helper function.

    ## What it does
    Finds loops (`for` statements and comprehensions) whose iterable is a query result — a query call
    (`Order.objects.filter(...)`, `Order.query.all()`, `session.scalars(select(...))`, `cur.fetchall()`, a
    cursor) or a name bound to one in the same function — and reports each read query inside the loop body:
    `cursor.execute`, `session.query/get/scalars/execute`, `Model.objects.*`, `Model.query.*`, and related-manager
    calls on the row (`order.items.filter(...)`; `order.items.all()` only when the rows were loaded without
    `prefetch_related`). It follows calls to functions and methods (`self.helper()`) defined in the same file:
    a helper whose result the loop uses and that reads from the database, directly or through other helpers,
    is reported where the loop calls it.

    ## Why is this bad?
    One query per row turns a page of 50 orders into 51 round trips; with 10,000 rows the request takes
    seconds and the database does thousands of small queries that one join, `select_related` /
    `prefetch_related` / `joinedload` / `selectinload`, or a single `WHERE id IN (...)` query would answer.
    It is fast in development with ten rows and slow in production.

    ## Known limits
    Lazy loading by plain attribute access (`order.customer.name` on a SQLAlchemy or Django relation) is
    not visible and not reported. A loop over a function parameter, an attribute (`self.rows`), or the
    result of a helper function is not known to be a query result. Helpers are followed only within the
    file, by name; a helper with its own cache (other than `lru_cache`-style decorators) is still reported.
    To stay precise it skips: loops that also write to the database (per-row processing jobs, where the
    reads are part of the work), helpers called only for their effect (`expire(order)` as a statement),
    per-row writes, a lazy Django queryset handed to another function, a deliberate per-row
    `select_for_update()` re-fetch, tests and migrations.
    """

    id = "DB001"
    VALID = (
        """
from django.http import JsonResponse

def order_list(request):
    orders = Order.objects.filter(user=request.user).select_related("customer").prefetch_related("items")[:50]
    data = []
    for order in orders:
        data.append({
            "id": order.id,
            "customer": order.customer.name,
            "items": [item.sku for item in order.items.all()],  # ok: DB001
        })
    return JsonResponse({"orders": data})
""",
        """
from sqlalchemy import select
from sqlalchemy.orm import selectinload

def order_report(session):
    orders = session.scalars(select(Order).options(selectinload(Order.lines))).all()
    customer_ids = {o.customer_id for o in orders}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}  # ok: DB001
    return [(o.id, customers[o.customer_id].name, len(o.lines)) for o in orders]
""",
        """
def export_users(conn, writer):
    cur = conn.cursor()
    cur.execute("SELECT id, email FROM users ORDER BY id")
    for user_id, email in cur.fetchall():
        writer.writerow([user_id, email.lower()])  # ok: DB001
""",
        """
def notify_admins(session, admin_ids):
    for admin_id in admin_ids:
        admin = session.get(Admin, admin_id)  # ok: DB001
        admin.notify("daily report ready")
""",
    )
    INVALID = (
        """
from flask import jsonify
from app.models import Order, Customer

@app.get("/orders")
def order_list():
    orders = Order.query.order_by(Order.created_at.desc()).limit(50).all()
    result = []
    for order in orders:
        customer = Customer.query.get(order.customer_id)  # expect: DB001
        result.append({"id": order.id, "customer": customer.name})
    return jsonify(result)
""",
        """
def invoice_lines(conn, invoice_id):
    cur = conn.cursor()
    cur.execute("SELECT product_id, qty FROM invoice_lines WHERE invoice_id = %s", (invoice_id,))
    rows = cur.fetchall()
    lines = []
    for product_id, qty in rows:
        cur.execute("SELECT name, price FROM products WHERE id = %s", (product_id,))  # expect: DB001
        name, price = cur.fetchone()
        lines.append((name, qty, price * qty))
    return lines
""",
        """
from sqlalchemy import select

def load_customer(session, customer_id):
    return session.scalars(select(Customer).where(Customer.id == customer_id)).one()

def order_report(session):
    orders = session.scalars(select(Order)).all()
    return [(o.id, load_customer(session, o.customer_id).name) for o in orders]  # expect: DB001
""",
        """
from django.shortcuts import render

class Dashboard:
    def recent(self, request):
        projects = Project.objects.filter(owner=request.user)
        rows = [(p, p.tasks.count(), self.last_event(p)) for p in projects]  # expect: DB001
        return render(request, "dash.html", {"rows": rows})

    def last_event(self, project):
        return Event.objects.filter(project=project).order_by("-at").first()
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._module_scope: Scope | None = None
        self._queries: dict[Key, bool] = {}
        self._callees: dict[Key, set[Key]] = {}
        self._pending: list[tuple[cst.Call, Key, str]] = []  # calls to same-file helpers inside query loops
        self._reported: set[cst.Call] = set()

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)
        self._judge(self._module_scope, "")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = scope_of(node, self._module_scope)
        is_method = bool(self.ctx.class_stack) and len(self.ctx.function_stack) == 1
        in_class = self.ctx.class_stack[-1].name.value if is_method else ""
        key = (in_class, node.name.value)
        memoized = any((attribute_path(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) or "")
                       .rsplit(".", 1)[-1] in _MEMOIZED for d in node.decorators)
        if len(self.ctx.function_stack) == 1:
            self._queries[key] = not memoized and any(self._reads(c, scope) for c in scope.calls())
            self._callees[key] = set() if memoized else {k for c in scope.calls() if (k := _callee(c, in_class))}
        self._judge(scope, in_class)

    def leave_Module(self, original_node: cst.Module) -> None:
        querying = {key for key, queries in self._queries.items() if queries}
        changed = True
        while changed:
            changed = False
            for key, callees in self._callees.items():
                if key not in querying and callees & querying:
                    querying.add(key)
                    changed = True
        for call, key, loop_name in self._pending:
            if key in querying and call not in self._reported:
                self._reported.add(call)
                self.report(call, f"`{key[1]}()` runs a query and is called once per row of `{loop_name}` (N+1): "
                                  "the number of queries grows with the number of rows.")

    def _judge(self, scope: Scope, in_class: str) -> None:
        if not_production_code(self.ctx):
            return
        for loop in scope.of_type(cst.For, *COMPREHENSIONS):
            header = loop if isinstance(loop, cst.For) else loop.for_in
            iterable, target = header.iter, header.target
            if not is_query_result(iterable, scope, self.ctx):
                continue
            if any(_writes(c, scope, self.ctx) for c in self._calls_in_loop(loop, scope)):
                continue  # a loop that writes processes each row: its reads are part of the work, not an N+1
            loop_name = _describe(iterable)
            related = self._related_methods(iterable, scope)
            names = {n.value for n in scope.within(target) if isinstance(n, cst.Name)}
            for call in self._calls_in_loop(loop, scope):
                if call in self._reported:
                    continue
                if not is_chain_link(call, scope) and not _handed_on_lazily(call, scope) and (
                        self._reads(call, scope) or _related_query(call, names, related)):
                    self._reported.add(call)
                    self.report(call, f"This query runs once per row of `{loop_name}` (N+1): the number of "
                                      "queries grows with the number of rows.")
                elif (key := _callee(call, in_class)) is not None and not isinstance(scope.parent.get(call), cst.Expr):
                    # A helper whose result the loop uses fetches data per row; one called for its effect
                    # (`expire(order)`) processes each row, which is not an N+1 read.
                    self._pending.append((call, key, loop_name))

    def _reads(self, call: cst.Call, scope: Scope) -> bool:
        """A query that reads, and is not a deliberate per-row lock (`select_for_update().get(pk=...)`)."""
        if not is_query_call(call, scope, self.ctx) or db_write(call, scope, self.ctx) is not None:
            return False
        return not set(chain_methods(call)) & {"select_for_update", "with_for_update"}

    @staticmethod
    def _calls_in_loop(loop: cst.CSTNode, scope: Scope) -> list[cst.Call]:
        if isinstance(loop, cst.For):
            return scope.calls_within(loop.body)
        outside = set(scope.calls_within(loop.for_in.iter))
        return [c for c in scope.calls_within(loop) if c not in outside]

    def _related_methods(self, iterable: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Which related-manager calls on a row query the database, given how the rows were loaded."""
        source = unwrap(iterable)
        if isinstance(source, cst.Name):
            binding = scope.binding(source.value, source)
            source = unwrap(binding.value) if binding is not None and not binding.unpacked else source
        found = orm_model(source, scope, self.ctx)
        if found is None or found[0] != "django":
            return frozenset()
        if set(chain_methods(source)) & _EAGER:
            return _RELATED_QUERY
        return _RELATED_QUERY | _RELATED_CACHED


def _writes(call: cst.Call, scope: Scope, ctx) -> bool:
    """Any write, generously: `row.save()` counts even when the file does not import the ORM."""
    return db_write(call, scope, ctx) is not None or (
        method(call) in _ROW_WRITES and isinstance(call.func, cst.Attribute) and positional(call) is None)


def _handed_on_lazily(call: cst.Call, scope: Scope) -> bool:
    """`process(project.tasks.all())`: a lazy Django queryset passed to a function that decides how to run it."""
    if method(call) not in _LAZY or set(chain_methods(call)) & {"execute", "scalars", "query"}:
        return False  # SQLAlchemy's `.all()` and `session.execute(...)` run at once
    arg = scope.parent.get(call)
    if not isinstance(arg, cst.Arg):
        return False
    consumer = scope.parent.get(arg)
    return isinstance(consumer, cst.Call) and method(consumer) not in _EVALUATORS and keyword(consumer, "many") is None


def _callee(call: cst.Call, in_class: str) -> Key | None:
    """The same-file function a call may reach: `helper(...)` or `self.helper(...)`."""
    if isinstance(call.func, cst.Name):
        return ("", call.func.value)
    if (in_class and isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name)
            and call.func.value.value in ("self", "cls")):
        return (in_class, call.func.attr.value)
    return None


def _related_query(call: cst.Call, row_names: set[str], methods: frozenset[str]) -> bool:
    """`row.items.all()` / `row.items.filter(...)` where `row` is the loop variable.

    The arguments tell a related manager from a dict or list field with the same method names:
    `row.data.get("key")`, `row.data.values()`, `row.tags.count("x")` are not queries.
    """
    innermost = call
    while isinstance(innermost.func, cst.Attribute) and isinstance(innermost.func.value, cst.Call):
        innermost = innermost.func.value
    func = innermost.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in methods
            and isinstance(func.value, cst.Attribute) and isinstance(func.value.value, cst.Name)
            and func.value.value.value in row_names):
        return False
    name, args = func.attr.value, innermost.args
    if name == "get":
        return bool(args) and all(arg.keyword is not None or arg.star == "**" for arg in args)
    if name in ("values", "values_list"):
        return bool(args)
    if name in _RELATED_CACHED:
        return not args
    return True


def _describe(iterable: cst.BaseExpression) -> str:
    source = unwrap(iterable)
    text = attribute_path(source)
    if text is None and isinstance(source, cst.Call):
        text = (attribute_path(source.func) or "query") + "(...)"
    return text or "the query result"
