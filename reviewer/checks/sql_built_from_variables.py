"""SEC001: SQL text built from variables and sent to the database."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import argument_for, attribute_path, findall, is_literal, keyword
from reviewer.checks._security import (
    AssignmentTrackingCheck, built_pieces, call_name, first_arg, is_constant_piece, is_request_input, literal_text,
    NUMERIC_NAME, looks_like_sql, piece_label, string_value,
)

# Methods that send their first argument to the database as SQL text.
_EXECUTE_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "raw", "read_sql",
                              "read_sql_query", "fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one", "fetch_val"})
_SQL_KEYWORDS = ("sql", "query", "statement", "operation", "raw_query")
_TEXT_CONSTRUCTORS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
                                "sqlmodel.text"})
# Django QuerySet.extra: every one of these takes raw SQL fragments.
_EXTRA_KEYWORDS = frozenset({"select", "where", "tables", "order_by"})
# Quoting an identifier or a literal for SQL makes it one token.
_SQL_QUOTING = frozenset({"quote_identifier", "quote_ident", "quote_name", "quote_column", "quote_table", "qn",
                          "escape_identifier", "escape_string", "escape_literal", "literal", "Identifier"})
_SQL_QUOTING_PREFIXES = ("quote", "escape")
# Unquoted names the code builds itself: table and schema names, SQL fragments and placeholder runs.
_SQL_TRUSTED_NAME = re.compile(
    r"_?(\w+_)?(table|tables|tablename|table_name|db_table|schema|schema_name|__tablename__|sql|clause|clauses"
    r"|fragment|fragments|subquery|placeholders|where|where_sql|where_clause|joins|conditions|stmt|statement"
    r"|statements|type|col_type|column_type|sql_type)", re.IGNORECASE)


class SqlBuiltFromVariables(AssignmentTrackingCheck):
    """SQL text built from variables with an f-string, `%`, `+` or `.format`, then executed.

    ## What it does
    Reports `execute`/`executemany`/`executescript`/`exec_driver_sql` (DB-API cursors, SQLAlchemy
    connections and sessions, asyncpg `fetch*`), SQLAlchemy `text(...)`, `pandas.read_sql`, and Django
    `raw(...)`, `extra(...)` and `RawSQL(...)` when the SQL they get is built from variables. A name is
    followed one step back inside the function (`sql = f"..."` then `cur.execute(sql)`, including
    `sql += f"..."`). The text must look like SQL (SELECT ... FROM, INSERT INTO, UPDATE ... SET, WHERE ...).

    Interpolating values that cannot carry outside text is allowed: literals, module constants
    (UPPER_CASE names, or a module-level name bound once to a literal), a lookup in a constant allow-list
    (`COLUMNS[key]`, `COLUMNS.get(key)`), numbers (`len(...)`, `int(...)`, `%d`), table and schema names (`table`,
    `self.table_name`, `Model.__tablename__`), and runs of placeholders (`", ".join(["%s"] * len(ids))`).

    When the call also passes parameters (`execute(sql, params)`), the author clearly binds values, so only
    values placed inside quotes (`'{name}'`) and request text itself (`request.args.get("sort")`, a name
    assigned from it, a `str` parameter of a request handler) are reported; other unquoted pieces are taken
    to be SQL the code built (a column list, a WHERE clause with placeholders), unless that fragment was
    itself built in the function with a value inside quotes (`f"last_name ILIKE '{term}%'"`). A module-level
    SQL template filled with `.format(...)` (`SEARCH_SQL.format(filter=...)`) is read as its text. Request text that the
    function tests against an allow-list (`if sort not in SORTABLE: abort(400)`) is trusted. Unquoted names of tables, schemas, column
    types and SQL fragments (`table`, `where_sql`, `clause`, `placeholders`), number-named values (`limit`,
    `offset`, `page`) and calls named `quote*`/`escape*` are trusted too, unless the function assigns them
    from something else. A module function that returns SQL built from its arguments is followed to the
    `execute` of its result. An unquoted piece that is a parameter of a module function (`ORDER BY {sort}` in
    `_board(conn, sort)`) is reported when a function of the module calls it with request text for that
    parameter (`sort = request.query.get("sort")`, not tested against an allow-list).
    The finding spans from where the SQL is built to where it is executed.

    ## Why is this bad?
    A value with a quote in it ends the string literal and rewrites the query: SQL injection reads or
    deletes other users' rows, and a name like `O'Brien` simply breaks the request. Parameters
    (`execute("... WHERE id = %s", (user_id,))`, `text("... :id").bindparams(...)`, the ORM) send values
    apart from the SQL, so no value can change it.

    ## Known limits
    A name is followed only one assignment back within the same function; SQL passed in as a parameter,
    or assembled in a list and joined, is not reported, and a helper is only followed within the module.
    A name the sink trusts (a `table`, a `where_sql` fragment, a `limit`) is believed when it arrives as a
    parameter, so a caller passing request text in it is not found. Test files are skipped.
    """

    id = "SEC001"
    VALID = (
        """
_BUCKETS = {"1h": "1 hour", "1d": "1 day"}

async def series(pool, device_id, bucket):
    interval = _BUCKETS.get(bucket)
    if interval is None:
        raise ValueError(bucket)
    return await pool.fetch(f"SELECT time_bucket('{interval}', ts) FROM readings WHERE device_id = $1", device_id)  # ok: SEC001
""",
        """
from fastapi import APIRouter, HTTPException

router = APIRouter()
SORTABLE = {"started_at", "distance_km"}

@router.get("/vehicles/{vehicle_id}/trips")
async def trips(vehicle_id: int, sort: str = "started_at", conn=None):
    if sort not in SORTABLE:
        raise HTTPException(status_code=400)
    return await conn.fetch(f"SELECT id FROM trips WHERE vehicle_id = $1 ORDER BY {sort}", vehicle_id)  # ok: SEC001
""",
        """
from flask import request
from app.db import get_connection

def find_user(user_id):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute("SELECT id, email FROM users WHERE id = %s", (user_id,))  # ok: SEC001
        return cur.fetchone()
""",
        """
import sqlite3

ALLOWED_SORT = {"name": "name", "created": "created_at"}
TABLE = "orders"

def list_orders(conn: sqlite3.Connection, sort_key: str, customer_id: int):
    order_column = ALLOWED_SORT[sort_key]
    sql = f"SELECT * FROM {TABLE} WHERE customer_id = ? ORDER BY {order_column}"
    return conn.execute(sql, (customer_id,)).fetchall()  # ok: SEC001
""",
        """
from sqlalchemy import text

def orders_for(session, ids: list[int]):
    placeholders = ", ".join(["%s"] * len(ids))
    session.execute(f"DELETE FROM cart_items WHERE id IN ({placeholders})", ids)  # ok: SEC001
    stmt = text("SELECT * FROM orders WHERE id = :id")  # ok: SEC001
    return session.execute(stmt, {"id": ids[0]}).all()
""",
        """
from psycopg2 import sql

def count_rows(cur, table_name: str):
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table_name))
    cur.execute(query)  # ok: SEC001
    return cur.fetchone()[0]
""",
        """
import subprocess

def run_job(executor, job_name):
    executor.execute(f"run {job_name} --now")  # ok: SEC001
""",
        """
def page(cursor, limit, offset):
    cursor.execute("SELECT * FROM events ORDER BY id LIMIT %d OFFSET %d" % (limit, offset))  # ok: SEC001
    return cursor.fetchall()
""",
        """
async def list_robots(pool, zone=None, status=None):
    filters, args = [], []
    if zone:
        args.append(zone)
        filters.append(f"zone = ${len(args)}")
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    async with pool.acquire() as conn:
        return await conn.fetch(f"SELECT id, name FROM robots {where} ORDER BY id LIMIT 50", *args)  # ok: SEC001
""",
        # The caller tests the sort key against an allow-list before passing it on.
        """
async def _board(conn, event_id, sort="average"):
    sql = f"SELECT id, name FROM teams WHERE event_id = $1 ORDER BY {sort} DESC LIMIT 100"  # ok: SEC001
    return await conn.fetch(sql, event_id)

async def leaderboard(request):
    sort = request.query.get("sort", "average")
    if sort not in ("average", "name"):
        sort = "average"
    async with request.app["db"].acquire() as conn:
        return await _board(conn, 1, sort)
""",
    )
    INVALID = (
        """
from fastapi import APIRouter

router = APIRouter()

@router.get("/vehicles/{vehicle_id}/trips")
async def trips(vehicle_id: int, sort: str = "started_at", conn=None):
    return await conn.fetch(f"SELECT id, started_at FROM trips WHERE vehicle_id = $1 ORDER BY {sort}", vehicle_id)  # expect: SEC001
""",
        """
from flask import request

def roster(cur, class_id):
    order = request.args.get("sort", "last_name")
    cur.execute(f"SELECT id, last_name FROM students WHERE class_id = %s ORDER BY {order}", (class_id,))  # expect: SEC001
    return cur.fetchall()
""",
        """
from flask import Flask, request
from app.db import get_connection

app = Flask(__name__)

@app.get("/users")
def search_users():
    name = request.args.get("name", "")
    cur = get_connection().cursor()
    cur.execute(f"SELECT id, email FROM users WHERE name = '{name}'")  # expect: SEC001
    return {"users": cur.fetchall()}
""",
        """
def delete_order(conn, order_id):
    sql = "DELETE FROM orders WHERE id = " + str(order_id)  # expect: SEC001
    conn.execute(sql)
    conn.commit()
""",
        """
from sqlalchemy import text

def orders_since(session, customer, since):
    stmt = text("SELECT * FROM orders WHERE customer = '%s' AND created_at > '%s'" % (customer, since))  # expect: SEC001
    return session.execute(stmt).all()
""",
        """
from app.models import Product

def search_products(term, category):
    qs = Product.objects.raw("SELECT * FROM shop_product WHERE name LIKE '%{}%'".format(term))  # expect: SEC001
    extra = Product.objects.extra(where=[f"category = '{category}'"])  # expect: SEC001
    return list(qs), extra
""",
        """
def filter_invoices(cursor, status=None, customer=None):
    sql = "SELECT * FROM invoices WHERE 1 = 1"
    if status:
        sql += f" AND status = '{status}'"  # expect: SEC001
    if customer:
        sql += " AND customer_id = %s"
    cursor.execute(sql)
    return cursor.fetchall()
""",
        """
from django.db.models.expressions import RawSQL
from shop.models import Order

def with_local_price(currency):
    # RawSQL with parameters: only the quoted value is a finding, `{table}`-like fragments are not
    return Order.objects.annotate(
        price=RawSQL(f"SELECT amount FROM shop_price WHERE currency = '{currency}' AND id = order_id", ()),  # expect: SEC001
    )
""",
        """
from flask import request
from sqlalchemy import text
from app.db import db

def department_report():
    department = request.args.get("department", "")
    where = f"department = '{department}'"
    statement = text("SELECT name, days_left FROM leave_balances WHERE " + where)  # expect: SEC001
    return db.session.execute(statement).all()
""",
        """
def _loan_insert(member_id, isbn, due):
    return f"INSERT INTO loans (member_id, isbn, due) VALUES ({member_id}, '{isbn}', '{due}')"

def checkout(conn, member_id, isbn, due):
    conn.execute(_loan_insert(member_id, isbn, due))  # expect: SEC001
    conn.commit()
""",
        """
from django.db import connection

SEARCH_SQL = (
    "SELECT r.id FROM results r JOIN patients p ON p.id = r.patient_id "
    "WHERE p.clinician_id = %s AND ({filter}) LIMIT 50"
)

def search(request):
    term = request.GET.get("q", "")
    name_filter = f"p.last_name ILIKE '{term}%%' OR p.mrn = '{term}'"
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_SQL.format(filter=name_filter), [request.user.id])  # expect: SEC001
        return cursor.fetchall()
""",
        # The helper binds its values, but the column to sort by is pasted in, and a handler passes what the
        # client sent.
        """
from aiohttp import web

async def _board(conn, event_id, sort="average"):
    sql = f"SELECT id, name FROM teams WHERE event_id = $1 ORDER BY {sort} DESC LIMIT 100"  # expect: SEC001
    return await conn.fetch(sql, event_id)

async def leaderboard(request):
    sort = request.query.get("sort", "average")
    async with request.app["db"].acquire() as conn:
        return web.json_response(await _board(conn, int(request.match_info["event_id"]), sort))
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # `stmt = text(f"...")`: reported where it is executed, spanning both lines, or when the function ends.
        self._text_targets: dict[int, str] = {}
        self._pending: dict[tuple[cst.FunctionDef, str], tuple[cst.Call, str]] = {}
        # Functions of this module that return SQL built from their inputs, and calls that execute their result.
        self._sql_builders: set[str] = set()
        self._builder_calls: list[tuple[cst.Call, str, str]] = []
        # Parameterised SQL with an unquoted piece that is a parameter of a module function (`ORDER BY {sort}`):
        # judged at the module's end by what the function's callers in this module pass for it.
        self._parameter_pieces: list[tuple[cst.Call, str, cst.FunctionDef, str, cst.CSTNode | None]] = []
        self._calls_by_name: dict[str, list[tuple[cst.Call, cst.FunctionDef | None]]] = {}
        self._last_parameter_pieces: list[tuple[str, cst.CSTNode | None]] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        value = node.value
        if (isinstance(value, cst.Call) and call_name(value) in ("text", "RawSQL") and len(node.targets) == 1
                and isinstance(node.targets[0].target, cst.Name)):
            self._text_targets[id(value)] = node.targets[0].target.value

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        if isinstance(node.func, cst.Name):
            self._calls_by_name.setdefault(node.func.value, []).append((node, self.ctx.function))
        name = call_name(node)
        if name in _EXECUTE_METHODS and isinstance(node.func, cst.Attribute):
            sql = first_arg(node)
            if sql is None:
                sql = next((a.value for a in node.args if a.keyword and a.keyword.value in _SQL_KEYWORDS), None)
            if sql is None:
                return
            if isinstance(sql, cst.Name) and (self.ctx.function, sql.value) in self._pending:
                text_call, message = self._pending.pop((self.ctx.function, sql.value))
                self.report(text_call, message, end_node=node)
                return
            if isinstance(sql, cst.Call) and isinstance(sql.func, cst.Name):
                self._builder_calls.append((node, sql.func.value, name))
            self._judge(node, sql, name, has_parameters=_has_parameters(node))
        elif name == "extra" and isinstance(node.func, cst.Attribute):
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value not in _EXTRA_KEYWORDS:
                    continue
                for fragment in _fragments(arg.value):
                    if self._judge(node, fragment, "extra", require_sql=False,
                                   has_parameters=keyword(node, "params") is not None):
                        return
        elif name in ("text", "RawSQL"):
            qualified = self.ctx.qualify(node.func) or ""
            if qualified in _TEXT_CONSTRUCTORS or qualified.endswith("RawSQL"):
                sql = first_arg(node, "text") or first_arg(node, "sql")
                if sql is not None:
                    self._judge(node, sql, name, has_parameters=name == "RawSQL" and len(node.args) > 1)

    def visit_Return(self, node: cst.Return) -> None:
        fn = self.ctx.function
        if fn is None or node.value is None or self.ctx.is_test or self.ctx.class_stack:
            return
        if self._unsafe(node.value, has_parameters=False) is not None:
            self._sql_builders.add(fn.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for key in [k for k in self._pending if k[0] is original_node]:
            text_call, message = self._pending.pop(key)
            self.report(text_call, message, end_node=text_call)

    def leave_Module(self, original_node: cst.Module) -> None:
        for call, sink, fn, param, start in self._parameter_pieces:
            caller = self._caller_passing_request_text(fn, param)
            if caller is not None:
                self.report(start if start is not None else call,
                            f"SQL text built from `{param}` is passed to `{sink}`, and `{caller}` fills `{param}` "
                            "with request text: a value with a quote in it rewrites the query (SQL injection).",
                            end_node=call)
        for call, builder, sink in self._builder_calls:
            if builder in self._sql_builders:
                self.report(call, f"`{builder}(...)` returns SQL text built from its arguments and it is passed to "
                                  f"`{sink}`: a value with a quote in it rewrites the query (SQL injection).",
                            end_node=call)

    def _judge(self, node: cst.Call, sql: cst.BaseExpression, sink: str, *, has_parameters: bool,
               require_sql: bool = True) -> bool:
        self._last_parameter_pieces = []
        found = self._unsafe(sql, has_parameters=has_parameters, require_sql=require_sql)
        if found is None:
            fn = self.ctx.function
            if fn is not None and not self.ctx.class_stack and not self.ctx.is_handler(fn):
                self._parameter_pieces.extend((node, sink, fn, param, start)
                                              for param, start in self._last_parameter_pieces)
            return False
        unsafe, start = found
        labels = ", ".join(f"`{piece_label(p)}`" for p in unsafe[:3])
        message = (f"SQL text built from {labels} is passed to `{sink}`: a value with a quote in it rewrites the "
                   "query (SQL injection).")
        target = self._text_targets.get(id(node))
        if target is not None and self.ctx.function is not None:
            self._pending[(self.ctx.function, target)] = (node, message)
        else:
            self.report(start if start is not None else node, message, end_node=node)
        return True

    def _unsafe(self, sql: cst.BaseExpression, *, has_parameters: bool, require_sql: bool = True
                ) -> tuple[list[cst.BaseExpression], cst.CSTNode | None] | None:
        """The pieces of `sql` that may carry outside text, and where the earliest of them was built."""
        assignments = self.assignments_here()
        resolve = assignments.get if assignments is not None else None
        sql = self._template_filled(sql)
        values = [sql]
        if built_pieces(sql) is None:
            if not isinstance(sql, cst.Name) or assignments is None or not assignments.get(sql.value):
                return None
            values = assignments.get(sql.value) or []
        unsafe: list[cst.BaseExpression] = []
        texts: list[str] = []
        start: cst.CSTNode | None = None
        for value in values:
            texts.append(literal_text(value))
            pieces = sql_pieces(value)
            if pieces is None and isinstance(sql, cst.Name) and assignments is not None \
                    and assignments.is_augmented(value) and not is_literal(value):
                pieces = [(value, False)]  # `sql += clause`
            for piece, quoted in pieces or ():
                if isinstance(piece, cst.Name) and isinstance(sql, cst.Name) and piece.value == sql.value:
                    continue  # `sql = sql + " AND ..."` adds nothing from outside
                # With parameters passed, an unquoted piece is a fragment the code built (a column list, a
                # WHERE clause with placeholders); a piece inside quotes is always a value.
                if has_parameters and not quoted and not self._request_value(piece):
                    inner = self._quoted_value_inside(piece, assignments)
                    if inner is None:
                        if self._bare_parameter(piece, assignments) and looks_like_sql(literal_text(value)):
                            self._last_parameter_pieces.append((piece.value, value if value is not sql else None))
                        continue
                    piece, quoted = inner, True
                if not is_constant_piece(piece, module_constants=self.constants, safe_calls=_SQL_QUOTING,
                                         safe_prefixes=_SQL_QUOTING_PREFIXES, resolve=resolve,
                                         trusted_names=None if quoted else _SQL_TRUSTED_NAME):
                    unsafe.append(piece)
                    if value is not sql and start is None:
                        start = value
                    if isinstance(piece, cst.Name) and resolve is not None:
                        # `cur.execute(sql + " LIMIT 50")`: the SQL words are in what `sql` was assigned.
                        texts.extend(literal_text(v) for v in resolve(piece.value) or ())
        if not unsafe or (require_sql and not looks_like_sql(" ".join(texts))):
            return None
        return unsafe, start


    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        # Module-level SQL templates (`SEARCH_SQL = """... WHERE ({filter})"""`) that functions fill with `.format`.
        self._templates: dict[str, cst.BaseExpression] = {}
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (isinstance(small, cst.Assign) and len(small.targets) == 1
                            and isinstance(small.targets[0].target, cst.Name)
                            and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))):
                        self._templates[small.targets[0].target.value] = small.value

    def _template_filled(self, sql: cst.BaseExpression) -> cst.BaseExpression:
        """`SEARCH_SQL.format(filter=f)` read as the template's own text `.format(filter=f)`."""
        if (isinstance(sql, cst.Call) and isinstance(sql.func, cst.Attribute) and sql.func.attr.value == "format"
                and isinstance(sql.func.value, cst.Name) and sql.func.value.value in getattr(self, "_templates", {})):
            return sql.with_changes(func=sql.func.with_changes(value=self._templates[sql.func.value.value]))
        return sql

    def _quoted_value_inside(self, piece: cst.BaseExpression, assignments) -> cst.BaseExpression | None:
        """A fragment built in this function with a value inside quotes (`name_filter = f"last_name ILIKE
        '{term}%'"`), pasted into SQL that is otherwise parameterised: the quoted value is the injection."""
        if not isinstance(piece, cst.Name) or assignments is None:
            return None
        for value in assignments.get(piece.value) or ():
            for inner, quoted in sql_pieces(value) or ():
                if quoted and not is_constant_piece(inner, module_constants=self.constants, safe_calls=_SQL_QUOTING,
                                                    safe_prefixes=_SQL_QUOTING_PREFIXES,
                                                    resolve=assignments.get, trusted_names=None):
                    return inner
        return None

    def _bare_parameter(self, piece: cst.BaseExpression, assignments) -> bool:
        """A parameter of the function, used as given (`sort`), that is not named as trusted SQL or a number."""
        fn = self.ctx.function
        return (isinstance(piece, cst.Name) and fn is not None
                and piece.value in {p.name.value for p in (*fn.params.params, *fn.params.kwonly_params)}
                and not (assignments is not None and assignments.get(piece.value))
                and not _SQL_TRUSTED_NAME.fullmatch(piece.value) and not NUMERIC_NAME.fullmatch(piece.value))

    def _caller_passing_request_text(self, fn: cst.FunctionDef, param: str) -> str | None:
        """The name of a function of this module that calls `fn` with request text for `param` (the request value
        itself, or a local name assigned only from it that the caller does not test against an allow-list)."""
        for call, caller in self._calls_by_name.get(fn.name.value, ()):
            if caller is None or caller is fn:
                continue
            given = argument_for(call, fn, param)
            if given is None:
                continue
            if is_request_input(given):
                return caller.name.value
            if isinstance(given, cst.Name) and not _membership_tested(given.value, caller):
                values = self._assignments.get(caller)
                found = values.get(given.value) if values is not None else None
                if found and all(is_request_input(v) for v in found):
                    return caller.name.value
                if not found and self.ctx.is_handler(caller) and _str_parameter(given.value, caller):
                    return caller.name.value  # a handler's `sort: str` query value, passed on
        return None

    def _request_value(self, piece: cst.BaseExpression) -> bool:
        """A piece that is request text itself: `request.args.get("sort")`, a local name assigned from it, or a
        `str` parameter of a request handler (FastAPI query and path values), unless the function tests it
        against an allow-list (`if sort not in SORTABLE: abort(400)`) or assigns it from something else."""
        if is_request_input(piece):
            return True
        fn = self.ctx.function
        if not isinstance(piece, cst.Name) or fn is None or _membership_tested(piece.value, fn):
            return False
        assignments = self.assignments_here()
        values = assignments.get(piece.value) if assignments is not None else None
        if values:
            return all(is_request_input(v) for v in values)
        return self.ctx.is_handler(fn) and _str_parameter(piece.value, fn)


def _str_parameter(name: str, fn: cst.FunctionDef) -> bool:
    """`sort: str = "id"` or `sort="id"`: a handler parameter the framework fills from the URL or query."""
    for param in (*fn.params.params, *fn.params.kwonly_params):
        if param.name.value != name:
            continue
        if param.annotation is not None:
            return attribute_path(param.annotation.annotation) == "str"
        return isinstance(param.default, cst.SimpleString)
    return False


def _membership_tested(name: str, fn: cst.FunctionDef) -> bool:
    """`name in ALLOWED` / `name not in ALLOWED` anywhere in the function: an allow-list check."""
    for node in findall(fn.body, cst.Comparison):
        if isinstance(node.left, cst.Name) and node.left.value == name and any(
                isinstance(c.operator, (cst.In, cst.NotIn)) for c in node.comparisons):
            return True
    return False


def _has_parameters(call: cst.Call) -> bool:
    """`execute(sql, params)`, asyncpg's `fetch(sql, *args)`: the author passes values separately, so interpolated
    parts are SQL, not values."""
    positional = [a for a in call.args if a.keyword is None and a.star == ""]
    if positional and positional[0] is call.args[0] and any(a.star == "*" for a in call.args[1:]):
        return True
    return len(positional) > 1 or any(
        a.keyword is not None and a.keyword.value in ("params", "parameters", "args", "vars") for a in call.args)


_QUOTE_BEFORE = re.compile(r"""['"]%?$""")
_QUOTED_CONVERSION = re.compile(r"""(['"]%?)?%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?([a-z%])""")


def sql_pieces(expr: cst.BaseExpression) -> list[tuple[cst.BaseExpression, bool]] | None:
    """The interpolated values of a built SQL string, each with whether it sits inside quotes (`'{name}'`)."""
    if isinstance(expr, cst.FormattedString):
        found, before = [], ""
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                before = part.value
            else:
                found.append((part.expression, bool(_QUOTE_BEFORE.search(before))))
                before = ""
        return found
    if isinstance(expr, cst.ConcatenatedString):
        return (sql_pieces(expr.left) or []) + (sql_pieces(expr.right) or [])
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        operands = _flatten(expr)
        if not any(isinstance(op, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) for op in operands):
            return None
        found, before = [], ""
        for operand in operands:
            if isinstance(operand, (cst.SimpleString, cst.ConcatenatedString)):
                before = string_value(operand) or ""
            elif isinstance(operand, cst.FormattedString):
                found.extend(sql_pieces(operand) or [])
                before = literal_text(operand)
            else:
                found.append((operand, bool(_QUOTE_BEFORE.search(before))))
                before = ""
        return found
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
        template = string_value(expr.left)
        if template is None:
            return None
        conversions = [(bool(q), kind) for q, kind in _QUOTED_CONVERSION.findall(template) if kind != "%"]
        right = expr.right
        if isinstance(right, cst.Tuple):
            values = [el.value for el in right.elements]
        elif isinstance(right, cst.Dict):
            quoted = any(q for q, _ in conversions)
            return [(el.value, quoted) for el in right.elements if isinstance(el, cst.DictElement)]
        else:
            values = [right]
        found = []
        for index, value in enumerate(values):
            quoted, kind = conversions[index] if index < len(conversions) else (False, "s")
            if kind in "sr":  # `%d` and `%f` can only hold numbers
                found.append((value, quoted))
        return found
    pieces = built_pieces(expr)
    if pieces is None:
        return None
    # `.format(...)`: quoted when any replacement field in the template is.
    quoted = bool(re.search(r"""['"]%?\{""", literal_text(expr)))
    return [(piece, quoted) for piece in pieces]


def _flatten(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return _flatten(expr.left) + _flatten(expr.right)
    return [expr]


def _fragments(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The SQL fragments given to `extra(...)`: list items and dict values."""
    if isinstance(expr, (cst.List, cst.Tuple)):
        return [el.value for el in expr.elements]
    if isinstance(expr, cst.Dict):
        return [el.value for el in expr.elements if isinstance(el, cst.DictElement)]
    return [expr]
