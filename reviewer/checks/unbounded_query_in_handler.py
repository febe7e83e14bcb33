"""DB002: a request handler that loads a whole table with no limit or pagination."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, keyword
from reviewer.checks._data import (
    Scope,
    attribute_path,
    chain_methods,
    is_camel,
    is_chain_link,
    is_dbish,
    method,
    not_production_code,
    orm_model,
    positional,
    receiver,
    scope_of,
    sql_text,
    tokens,
    unwrap,
)

# Any of these in the query narrows or bounds it (or aggregates it): not a whole-table load.
_BOUNDING = frozenset({"filter", "filter_by", "where", "limit", "paginate", "get", "first", "one", "one_or_none",
                       "slice", "offset", "group_by", "distinct", "count", "having", "exclude", "get_or_404",
                       "first_or_404", "in_bulk", "aggregate", "exists", "none", "fetch", "with_parent", "[]"})
# The end of a Django queryset chain that still reads every row once consumed.
_DJANGO_UNBOUNDED = frozenset({"all", "order_by", "values", "values_list", "only", "defer", "select_related",
                               "prefetch_related", "annotate", "using", "reverse"})
# Reference tables that stay small by nature: loading them whole is normal.
_LOOKUP_WORDS = frozenset({"category", "categories", "country", "countries", "currency", "currencies", "language",
                           "languages", "role", "roles", "permission", "permissions", "setting", "settings",
                           "config", "configuration", "plan", "plans", "status", "statuses", "region", "regions",
                           "timezone", "timezones", "locale", "locales", "feature", "features", "flag", "flags",
                           "group", "groups", "type", "types", "tag", "tags", "unit", "units"})
_SQL_BOUNDED = re.compile(r"\b(LIMIT|FETCH\s+FIRST|TOP|WHERE|GROUP\s+BY|DISTINCT|COUNT|SUM|AVG|MIN|MAX)\b")
_SQL_TABLE = re.compile(r"\bFROM\s+[\"`\[]?(\w+)")
# Calls that read every row of a queryset they are given.
_PANDAS_READERS = ("pandas.read_sql", "pandas.read_sql_query")
_WHOLE_READERS = frozenset({"list", "tuple", "len", "set", "sorted", "JsonResponse"})


class UnboundedQueryInHandler(PythonCheck):
    """A request handler that reads every row of a table: `.all()`, `fetchall()`, `SELECT` with no LIMIT.

    ## What it does
    Inside request handlers (routed functions, Django views, view-class methods) reports whole-table reads:
    `Model.query.all()`, `session.query(Model).all()`, `session.scalars(select(Model)).all()` with no
    `filter`/`where`/`limit`/`paginate`/slice in the chain; a Django `Model.objects.all()` (or `.order_by()`,
    `.values()`...) that is iterated, passed to `list()`/`len()`, or given to a serializer with `many=True`,
    directly or through a variable; and `fetchall()`, asyncpg `fetch()` or `pandas.read_sql()` of a literal
    `SELECT ... FROM table` with no `LIMIT` and no `WHERE`. Small reference tables (categories, countries,
    currencies, roles, settings...) are not reported.

    ## Why is this bad?
    The endpoint works with a hundred rows in development and gets slower every day in production: it
    loads the whole table into memory, serialises it, and sends it, until requests time out or the worker
    runs out of memory. A client or a crawler calling it in a loop takes the database down with it.

    ## Known limits
    Queries with any filter are not reported, although `Order.query.filter_by(user_id=...)` can still be
    unbounded for a busy user. SQL built at run time (f-strings, variables from elsewhere) is not judged,
    nor are querysets handed to a template (`render(request, ..., {"rows": qs})`), nor class-based views'
    `queryset` attributes. Background jobs and scripts are not judged: they may legitimately scan. Tables
    whose model name says they are small reference data (category, country, currency, role, setting, tag,
    type...) are skipped, and so are aggregates (`COUNT`, `GROUP BY`, `DISTINCT`).
    """

    id = "DB002"
    VALID = (
        """
from flask import jsonify, request
from app.models import Order

@app.get("/orders")
def list_orders():
    page = request.args.get("page", 1, type=int)
    orders = Order.query.order_by(Order.created_at.desc()).paginate(page=page, per_page=50)  # ok: DB002
    return jsonify([o.to_dict() for o in orders.items])
""",
        """
from django.core.paginator import Paginator
from django.shortcuts import render

def product_list(request):
    products = Product.objects.all().order_by("name")  # ok: DB002
    page = Paginator(products, 25).get_page(request.GET.get("page"))
    return render(request, "products.html", {"page": page})
""",
        """
def nightly_export(session, writer):
    for user in session.query(User).all():  # ok: DB002
        writer.writerow([user.id, user.email])
""",
        """
from flask import jsonify

@app.route("/countries")
def countries():
    return jsonify([c.name for c in Country.query.all()])  # ok: DB002
""",
        """
from fastapi import FastAPI

@router.get("/users")
def list_users(conn, limit: int = 50):
    cur = conn.cursor()
    cur.execute("SELECT id, email FROM users ORDER BY id LIMIT %s", (limit,))
    return cur.fetchall()  # ok: DB002
""",
    )
    INVALID = (
        """
from flask import jsonify
from app.models import User

@app.route("/api/users")
def list_users():
    users = User.query.order_by(User.created_at).all()  # expect: DB002
    return jsonify([u.to_dict() for u in users])
""",
        """
from rest_framework.decorators import api_view
from rest_framework.response import Response

@api_view(["GET"])
def order_list(request):
    orders = Order.objects.all()  # expect: DB002
    return Response(OrderSerializer(orders, many=True).data)
""",
        """
import sqlite3
from flask import Flask, jsonify

app = Flask(__name__)

@app.get("/products")
def products():
    conn = sqlite3.connect("shop.db")
    rows = conn.execute("SELECT * FROM products").fetchall()  # expect: DB002
    return jsonify([dict(r) for r in rows])
""",
        """
from fastapi import APIRouter
from sqlalchemy import select

router = APIRouter()

@router.get("/events")
def list_events(session):
    return session.scalars(select(Event).order_by(Event.at.desc())).all()  # expect: DB002
""",
    )

    _module_scope: Scope | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not_production_code(self.ctx) or not self.ctx.in_handler:
            return
        scope = scope_of(node, self._module_scope)
        for call in scope.calls():
            name = method(call)
            if name in _DJANGO_UNBOUNDED and not is_chain_link(call, scope):
                self._judge_query(call, scope)
            elif name in ("fetchall", "fetch") or self.ctx.qualify(call.func) in _PANDAS_READERS:
                self._judge_sql_read(call, scope)

    def _judge_query(self, call: cst.Call, scope: Scope) -> None:
        """A query chain ending here: `.all()` runs it now; a Django queryset runs when it is consumed."""
        found = orm_model(call, scope, self.ctx)
        if method(call) != "all" and (found is None or found[0] != "django"):
            return
        names = {method(c) for c in scope.calls_within(call)} | set(chain_methods(call))
        if names & _BOUNDING or _is_sliced(call, scope):
            return
        if found is None:
            selected = next((c for c in scope.calls_within(call) if method(c) == "select" and c.args), None)
            model = attribute_path(selected.args[0].value) if selected is not None else None
            if model is None or not is_camel(model.split(".")[0]):
                return
            found = ("session", model.split(".")[0])
        kind, model = found
        if _is_lookup(model):
            return
        if kind != "django" or self._consumed_whole(call, scope, set()):
            self.report(call, _message(model))

    def _consumed_whole(self, expr: cst.BaseExpression, scope: Scope, seen: set[str]) -> bool:
        """Whether a Django queryset is read to the end: iterated, listed, counted with len(), serialised."""
        parent = scope.parent.get(expr)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is expr:
            return True
        if isinstance(parent, cst.Arg):
            call = scope.parent.get(parent)
            if isinstance(call, cst.Call):
                many = keyword(call, "many")
                many_rows = many is not None and getattr(many.value, "value", "") == "True"
                return method(call) in _WHOLE_READERS or many_rows
        if isinstance(parent, cst.Return):
            return False
        if (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name)):
            name = parent.targets[0].target.value
            if name in seen:
                return False
            seen.add(name)
            uses = [n for n in scope.of_type(cst.Name) if n.value == name and scope.before(parent, n)
                    and _is_variable_use(n, scope)]
            for use in uses:
                holder = scope.parent.get(use)
                if isinstance(holder, (cst.Subscript, cst.Attribute)):
                    return False  # sliced, filtered or paginated further on
                if isinstance(holder, cst.Arg) and method(scope.parent.get(holder)) in ("Paginator", "paginate"):
                    return False
            return any(self._consumed_whole(use, scope, seen) for use in uses)
        return False

    def _judge_sql_read(self, call: cst.Call, scope: Scope) -> None:
        recv = receiver(call)
        if method(call) == "fetchall":
            sql = self._executed_sql(recv, call, scope)
        elif method(call) == "fetch":
            sql = positional(call) if is_dbish(recv, scope, self.ctx) else None
        else:
            sql = positional(call)
        found = sql_text(sql, scope) if sql is not None else None
        if found is None or not found[1] or not found[0].lstrip("( ").startswith("SELECT"):
            return
        text = found[0]
        table = _SQL_TABLE.search(text)
        if table is None or _SQL_BOUNDED.search(text) or _is_lookup(table.group(1)):
            return
        self.report(call, _message(table.group(1).lower()))

    def _executed_sql(self, recv: cst.BaseExpression | None, at: cst.Call, scope: Scope) -> cst.BaseExpression | None:
        """The SQL whose rows `fetchall()` reads: `conn.execute(SQL).fetchall()` or the last `cur.execute(SQL)`."""
        recv = unwrap(recv) if recv is not None else None
        if isinstance(recv, cst.Call) and method(recv) == "execute":
            return positional(recv)
        path = attribute_path(recv) if recv is not None else None
        if path is None:
            return None
        last = None
        for call in scope.calls():
            if scope.before(at, call):
                break
            if method(call) == "execute" and attribute_path(receiver(call) or cst.Name("_")) == path:
                last = call
        return positional(last) if last is not None else None


def _is_variable_use(name: cst.Name, scope: Scope) -> bool:
    """A read of the variable: not `obj.name`, not `f(name=...)`, not an assignment target."""
    holder = scope.parent.get(name)
    if isinstance(holder, cst.Attribute) and holder.attr is name:
        return False
    if isinstance(holder, cst.Arg) and holder.keyword is name:
        return False
    return not isinstance(holder, cst.AssignTarget)


def _is_lookup(model: str) -> bool:
    words = set(re.findall(r"[A-Z]?[a-z0-9]+", model)) if model else set()
    return bool({w.lower() for w in words} & _LOOKUP_WORDS) or bool(tokens(model) & _LOOKUP_WORDS)


def _is_sliced(call: cst.Call, scope: Scope) -> bool:
    return isinstance(scope.parent.get(call), cst.Subscript)


def _message(model: str) -> str:
    return (f"This handler loads every row of `{model}` with no limit or pagination: as the table grows, so do the "
            "response time and memory, until requests time out.")
