"""RES001: a file, socket, connection, cursor or temp file opened outside `with` and not closed on every path."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from reviewer.checks._base import (NESTED_SCOPES, FileContext, PythonCheck, attribute_path, children, findall,
                                   own_nodes)
from reviewer.checks._runtime import runs_until_shutdown

# What each constructor hands back, for the message.
_RESOURCES = {
    "open": "file", "io.open": "file", "codecs.open": "file", "gzip.open": "file", "bz2.open": "file",
    "lzma.open": "file", "tarfile.open": "archive", "zipfile.ZipFile": "archive",
    "socket.socket": "socket", "socket.create_connection": "socket",
    "sqlite3.connect": "connection", "psycopg2.connect": "connection", "pymysql.connect": "connection",
    "MySQLdb.connect": "connection", "mysql.connector.connect": "connection",
    "tempfile.NamedTemporaryFile": "temporary file", "tempfile.TemporaryFile": "temporary file",
    "tempfile.SpooledTemporaryFile": "temporary file",
    "urllib.request.urlopen": "HTTP response", "urllib2.urlopen": "HTTP response",
    "smtplib.SMTP": "SMTP connection", "smtplib.SMTP_SSL": "SMTP connection", "ftplib.FTP": "FTP connection",
    "ftplib.FTP_TLS": "FTP connection", "psycopg.connect": "connection", "os.fdopen": "file",
    "aiohttp.ClientSession": "HTTP client session", "httpx.Client": "HTTP client", "httpx.AsyncClient": "HTTP client",
}
# Constructors of plain files, reported also when used unbound: `open(path).read()`.
_FILE_OPENERS = frozenset({"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"})
# Methods that release the resource: `close()` (awaited too, for an aiohttp session), `aclose()` for an
# httpx async client, and `quit()` for SMTP and FTP sessions.
_CLOSING_METHODS = frozenset({"close", "quit", "aclose"})
_MKSTEMP = "tempfile.mkstemp"
# `with conn:` on these commits or rolls back a transaction; it does not close the connection.
_WITH_DOES_NOT_CLOSE = frozenset({"sqlite3.connect", "psycopg2.connect"})
# Functions that use a file or descriptor they are given without taking ownership of it.
_BORROWERS = frozenset({
    "json.load", "json.dump", "pickle.load", "pickle.dump", "csv.reader", "csv.writer", "csv.DictReader",
    "csv.DictWriter", "yaml.safe_load", "yaml.load", "yaml.dump", "yaml.safe_dump", "tomllib.load",
    "shutil.copyfileobj", "print", "os.write", "os.read", "os.fsync", "os.fstat", "os.lseek", "os.ftruncate",
    "len", "isinstance", "iter", "next", "enumerate", "zip",
})
# Methods that read from or write to a file object they are given, on any receiver (`s3.download_fileobj`).
# boto3's `put_object(Body=f)` reads the file it is given and leaves it open.
_BORROWING_METHODS = frozenset({"download_fileobj", "upload_fileobj", "copyfileobj", "dump", "load", "sendfile",
                                "put_object", "upload_part"})
_CLOSERS = frozenset({"os.close"})
_CONTEXT_MANAGERS = frozenset({"contextlib.closing", "closing"})
_MANAGING_METHODS = frozenset({"enter_context", "enter_async_context", "callback", "push", "push_async_callback"})
# A statement with any of these between `open` and `close` can raise and skip the close.
_CAN_RAISE = (cst.Call, cst.Await, cst.Raise, cst.Return, cst.Subscript, cst.Yield)
_NEUTRAL_PARENTS = (cst.Comparison, cst.ComparisonTarget, cst.BooleanOperation, cst.UnaryOperation, cst.Del, cst.Expr)


@dataclass(eq=False)
class _Resource:
    name: str
    call: cst.Call
    constructor: str
    definition: cst.Name
    block: cst.CSTNode | None = None
    statement: cst.CSTNode | None = None
    escapes: bool = False
    closes: list[tuple[bool, cst.CSTNode | None, cst.CSTNode | None]] = field(default_factory=list)
    # For a cursor: the connection opened in the same function it comes from (closing that closes it).
    connection: str | None = None
    # For a cursor of a connection some other call handed this function (`conn = pool.getconn()`): that call,
    # where the finding starts, since an exception before the cleanup strands the connection with its cursor.
    acquired: cst.Call | None = None


class _UseFinder(cst.CSTVisitor):
    """Follows every use of the tracked names through one function body, knowing each use's ancestors."""

    def __init__(self, ctx: FileContext, resources: dict[str, _Resource], helpers: set[str]) -> None:
        super().__init__()
        self.ctx = ctx
        self.resources = resources
        self.helpers = helpers
        self.stack: list[cst.CSTNode] = []
        self.nested = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name) and node.value in self.resources:
            self._classify(node, self.resources[node.value])
        if isinstance(node, NESTED_SCOPES):
            self.nested += 1
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        if isinstance(original_node, NESTED_SCOPES):
            self.nested -= 1

    def _statement(self) -> tuple[cst.CSTNode | None, cst.CSTNode | None]:
        """The innermost block holding the current node, and the statement of that block it is in."""
        for index in range(len(self.stack) - 1, 0, -1):
            if isinstance(self.stack[index - 1], (cst.IndentedBlock, cst.SimpleStatementSuite)):
                return self.stack[index - 1], self.stack[index]
        return None, None

    def _classify(self, node: cst.Name, resource: _Resource) -> None:
        if node is resource.definition:
            resource.block, resource.statement = self._statement()
            return
        parent = self.stack[-1]
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return  # `other.name`: a different thing with the same name
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if self.nested:
            resource.escapes = True  # used by a closure: it may be closed there or later
            return
        if isinstance(parent, cst.Attribute):
            grandparent = self.stack[-2]
            if isinstance(grandparent, cst.Call) and grandparent.func is parent:
                if parent.attr.value in _CLOSING_METHODS:
                    self._closed(resource)
            elif parent.attr.value in _CLOSING_METHODS:
                resource.escapes = True  # `stack.callback(f.close)`: closed by someone else
            return
        if isinstance(parent, cst.Arg):
            self._passed(parent, resource)
        elif isinstance(parent, cst.WithItem) and parent.item is node:
            if resource.constructor not in _WITH_DOES_NOT_CLOSE:
                resource.escapes = True
        elif not _is_neutral_use(node, parent):
            resource.escapes = True  # returned, yielded, stored, aliased: someone else owns it now

    def _passed(self, arg: cst.Arg, resource: _Resource) -> None:
        call = self.stack[-2]
        if not isinstance(call, cst.Call):  # a class base: not a use we can follow
            resource.escapes = True
            return
        callee = self.ctx.qualify(call.func) or ""
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        if callee in _CLOSERS:
            self._closed(resource)
        elif callee in _BORROWERS or callee in self.helpers or method in _BORROWING_METHODS:
            # A helper of this module that takes the resource as an argument uses it; it does not own it.
            return
        else:
            # `closing(f)`, `stack.enter_context(f)`, `Response(f)`, `wrap(f)`: managed or owned elsewhere.
            resource.escapes = True

    def _closed(self, resource: _Resource) -> None:
        in_finally = any(isinstance(ancestor, cst.Finally) for ancestor in self.stack)
        block, statement = self._statement()
        resource.closes.append((in_finally, block, statement))


_MEMOIZING = frozenset({"lru_cache", "cache", "cached"})


class ResourceWithoutClose(PythonCheck):
    """A file, socket, connection, cursor or temporary file bound to a name and not closed on every path.

    ## What it does
    Inside functions (not in test files), follows each local name bound outside `with` to `open(...)`,
    `socket.socket(...)`, `socket.create_connection`, `sqlite3`/`psycopg2`/`psycopg`/`pymysql` `connect`,
    `os.fdopen`, an `aiohttp.ClientSession` or `httpx.Client`/`AsyncClient`, `smtplib.SMTP`, `ftplib.FTP`, a `.cursor()` (never the cursor of a connection opened in the same function: closing
    the connection closes it, so the connection's finding is the one report; for a connection another call handed
    over, `conn = pool.getconn()`, the finding spans from that call to the cursor),
    `tempfile.NamedTemporaryFile`/`TemporaryFile`/`mkstemp`, `urlopen(...)`, or a module function of the same
    file that opens a connection or session of these kinds and returns it (`server = _open_smtp(config)`).
    The rule is "closed on
    every path": the resource is fine when it is closed in a `finally`, used as `with name:` (except a
    sqlite3/psycopg2 connection, whose `with` only ends a transaction), handed to
    `contextlib.closing`/an `ExitStack`, or leaves the function (returned, yielded, stored on an object,
    passed to a call that may keep it, used by a closure). Passing it to a known reader (`json.load`,
    `csv.reader`, `s3.upload_fileobj`, `s3.put_object(Body=f)`, ...) or to a function defined in the same module
    uses it without
    handing it over. A `close()` outside `finally` is enough only when nothing that can raise runs
    between the open and the close. Also reports `tempfile.mkstemp()` whose descriptor is thrown away,
    and, inside functions, a file opened and used in the same expression without `with`:
    `open(path).read()`, `json.load(open(path))`, `for line in open(path):`. What a worker's main loop opens before
    the loop (`while True:` or `while not stop.is_set():`, with no `return` or `break` in it) lives as long as the
    process and is not reported; a retry loop that returns on success is not such a loop.

    ## Why is this bad?
    An exception between open and close skips the close: each failing request leaks a file
    descriptor, a socket or a database connection. Under load the process hits its descriptor limit
    or the database its connection limit, and everything fails with "too many open files" or
    "too many connections", far from the code that leaked.

    ## Known limits
    An unbound `open(...)` handed to anything but a known reader (`Response(open(path, "rb"))`) is
    taken as handed over, and one at module level (read once at import) is not reported.
    `with sqlite3.connect(p) as conn:` is not reported although it does not close the
    connection either. A close in an `except` block that re-raises, or in both branches of an `if`,
    is not recognised as covering every path. Passing the resource to a function of another module
    (other than the known readers) is taken as handing it over, and a helper of this module that
    does keep it is not noticed.
    """

    id = "RES001"
    VALID = (
        # A worker's main loop: the client is opened once and lives as long as the process.
        """
import httpx

def run_forever(stop):
    http = httpx.Client(base_url=PSP_URL, timeout=10)  # ok: RES001
    while not stop.is_set():
        for payment in pending_payments():
            settle(payment, http.get(f"/charges/{payment.provider_ref}").json())
        stop.wait(60)
""",
        """
import json

VERSION = open("VERSION").read().strip()  # ok: RES001

def load_settings(path):
    with open(path) as f:  # ok: RES001
        return json.load(f)

def download(path):
    return FileResponse(open(path, "rb"))  # ok: RES001
""",
        """
import sqlite3

def count_orders(db_path):
    conn = sqlite3.connect(db_path)  # ok: RES001
    try:
        cur = conn.cursor()  # ok: RES001
        cur.execute("select count(*) from orders")
        return cur.fetchone()[0]
    finally:
        conn.close()
""",
        """
import contextlib
import socket

def open_log(path):
    handle = open(path, "a")  # ok: RES001
    return handle

def probe(host, port):
    with contextlib.ExitStack() as stack:
        sock = socket.create_connection((host, port), timeout=3)  # ok: RES001
        stack.enter_context(sock)
        sock.sendall(b"PING\\r\\n")
        return sock.recv(64)
""",
        """
import tempfile

def upload_blob(data):
    tmp = tempfile.NamedTemporaryFile(suffix=".bin")  # ok: RES001
    try:
        tmp.write(data)
        tmp.flush()
        return upload(tmp.name)
    finally:
        tmp.close()

def touch_marker(path):
    marker = open(path, "w")  # ok: RES001
    marker.close()
""",
        # One client for the process, made once by a cached factory: not a resource per call.
        """
from functools import lru_cache
import httpx

@lru_cache(maxsize=1)
def _mail_client():
    return httpx.AsyncClient(base_url=MAIL_URL, timeout=10)

async def send(message):
    client = _mail_client()  # ok: RES001
    await client.post("/messages", json=message)
""",
    )
    INVALID = (
        # boto3 reads the file it is given for `Body` and leaves it open: one descriptor leaked per invoice.
        """
import boto3

_s3 = boto3.client("s3")

def upload_invoice(path, number):
    pdf = open(path, "rb")  # expect: RES001
    _s3.put_object(Bucket=BUCKET, Key=f"invoices/{number}.pdf", Body=pdf, ContentType="application/pdf")
    return number
""",
        # A retry loop returns when it succeeds: the function runs once per job, and each run leaks a client.
        """
import asyncio
import httpx

async def create_label(payload):
    client = httpx.AsyncClient(base_url=CARRIER_URL, timeout=15)  # expect: RES001
    while True:
        try:
            resp = await client.post("/labels", json=payload)
        except httpx.TransportError:
            await asyncio.sleep(1)
            continue
        return resp.json()
""",
        """
import smtplib

def _open_smtp(host):
    server = smtplib.SMTP(host, 587, timeout=10)
    server.starttls()
    return server

def send_notice(host, msg):
    server = _open_smtp(host)  # expect: RES001
    server.send_message(msg)
    server.quit()
""",
        """
import csv

def import_prices(path):
    f = open(path, newline="")  # expect: RES001
    rows = list(csv.DictReader(f))
    save_prices(rows)
    return len(rows)
""",
        """
import psycopg2

def archive_order(dsn, order_id):
    conn = psycopg2.connect(dsn, connect_timeout=5)  # expect: RES001
    cur = conn.cursor()
    cur.execute("update orders set archived = true where id = %s", (order_id,))
    conn.commit()
    conn.close()
""",
        # Both closed on the success path only: one leak, the connection's (closing it closes the cursor).
        """
import psycopg2

def response_rates(dsn, county):
    conn = psycopg2.connect(dsn, connect_timeout=5)  # expect: RES001
    cur = conn.cursor()  # ok: RES001
    cur.execute("select court, mailed from rates where county = %s", (county,))
    rows = cur.fetchall()
    cur.close()
    conn.close()
    return rows
""",
        """
import tempfile
from django.db import connection

def top_customers(limit):
    cursor = connection.cursor()  # expect: RES001
    cursor.execute("select id from customers order by spend desc limit %s", [limit])
    return [row[0] for row in cursor.fetchall()]

def scratch_path():
    _, path = tempfile.mkstemp(suffix=".json")  # expect: RES001
    return path
""",
        """
import sqlite3

def add_event(db_path, name):
    conn = sqlite3.connect(db_path)  # expect: RES001
    with conn:
        conn.execute("insert into events(name) values (?)", (name,))
""",
        """
import json

def read_version(path):
    return open(path).read().strip()  # expect: RES001

def load_rules(path):
    rules = json.load(open(path))  # expect: RES001
    for line in open(path + ".extra"):  # expect: RES001
        rules.append(line.strip())
    return rules
""",
        """
import aiohttp

async def export_intervals(url, payload):
    session = aiohttp.ClientSession(base_url=url, timeout=aiohttp.ClientTimeout(total=10))  # expect: RES001
    async with session.post("/v2/intervals", json=payload) as resp:
        return await resp.json()
""",
        # A helper that returns a new connection; the close is skipped when the query fails.
        """
import psycopg

def _connect():
    return psycopg.connect(DSN, connect_timeout=5)

def search(q):
    conn = _connect()  # expect: RES001
    rows = conn.execute("SELECT id FROM donors WHERE last_name = %s LIMIT 50", (q,)).fetchall()
    conn.close()
    return rows
""",
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # Used as an ordered set: functions in the order their first resource was seen.
        self._functions_with_resources: dict[cst.FunctionDef, None] = {}
        self._module_functions: set[str] = set()
        # Module functions that open a resource and return it (`def _open_smtp(): server = smtplib.SMTP(...);
        # ...; return server`), by name, with what they hand back; and the functions that call one by name.
        self._factories: dict[str, str] = {}
        self._factory_callers: dict[cst.FunctionDef, set[str]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        function = self.ctx.function
        if function is None or self.ctx.is_test:
            return
        value = node.value
        if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call) and self._is_mkstemp(value.value):
            self._report_lost_descriptor(value.value)  # `tempfile.mkstemp()[1]`
            return
        if not isinstance(value, cst.Call):
            return
        if self._is_mkstemp(value):
            target = node.targets[0].target
            if isinstance(target, (cst.Tuple, cst.List)) and target.elements:
                first = target.elements[0].value
                if isinstance(first, cst.Name) and first.value == "_":
                    self._report_lost_descriptor(value)
                    return
            self._mark(function)
        elif self.ctx.qualify(value.func) in _RESOURCES or _is_cursor_call(value):
            self._mark(function)
        elif isinstance(value.func, cst.Name):
            self._factory_callers.setdefault(function, set()).add(value.func.value)

    def visit_Return(self, node: cst.Return) -> None:
        function = self.ctx.function
        if function is None or self.ctx.is_test or len(self.ctx.function_stack) != 1 or self.ctx.class_stack:
            return
        if any((attribute_path(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) or "")
               .rsplit(".", 1)[-1] in _MEMOIZING for d in function.decorators):
            return  # `@lru_cache def _client()`: one shared client for the process, not one per call
        if isinstance(node.value, cst.Call):  # `return psycopg.connect(dsn)`
            kind = _RESOURCES.get(self.ctx.qualify(node.value.func) or "")
            if kind is not None and kind not in ("file", "temporary file"):
                self._factories[function.name.value] = kind
            return
        if not isinstance(node.value, cst.Name):
            return
        for statement in own_nodes(function.body):
            if (isinstance(statement, cst.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0].target, cst.Name)
                    and statement.targets[0].target.value == node.value.value
                    and isinstance(statement.value, cst.Call)):
                kind = _RESOURCES.get(self.ctx.qualify(statement.value.func) or "")
                if kind is not None and kind not in ("file", "temporary file"):
                    self._factories[function.name.value] = kind  # a connection or session handed to the caller

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        function = self.ctx.function
        if function is not None and not self.ctx.is_test and isinstance(node.value, cst.Call) and (
                self.ctx.qualify(node.value.func) in _RESOURCES or _is_cursor_call(node.value)):
            self._mark(function)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if len(self.ctx.function_stack) == 1 and not self.ctx.class_stack:
            self._module_functions.add(node.name.value)

    # --- a file opened and used in one expression ---------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.function is None or self.ctx.is_test:
            return
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value not in _CLOSING_METHODS
                and self._is_file_open(func.value)):
            self._report_unbound(func.value)  # `open(path).read()`
        elif self.ctx.qualify(func) in _BORROWERS:
            for arg in node.args:
                if self._is_file_open(arg.value):
                    self._report_unbound(arg.value)  # `json.load(open(path))`

    def visit_For(self, node: cst.For) -> None:
        if self.ctx.function is not None and not self.ctx.is_test and self._is_file_open(node.iter):
            self._report_unbound(node.iter)  # `for line in open(path):`

    def _is_file_open(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and self.ctx.qualify(expr.func) in _FILE_OPENERS

    def _report_unbound(self, call: cst.Call) -> None:
        self.report(call, "This file is opened and used in one expression with no `with`: nothing closes it, "
                          "so it stays open until the garbage collector gets to it, which other interpreters and "
                          "an exception's traceback delay indefinitely.")

    def leave_Module(self, original_node: cst.Module) -> None:
        # Judged at the end, once every helper function of the module is known.
        for function, callees in self._factory_callers.items():
            if callees & self._factories.keys() and function.name.value not in self._factories:
                self._mark(function)
        for function in self._functions_with_resources:
            self._check_function(function)

    def _mark(self, function: cst.FunctionDef) -> None:
        self._functions_with_resources.setdefault(function, None)

    def _is_mkstemp(self, call: cst.Call) -> bool:
        return self.ctx.qualify(call.func) == _MKSTEMP

    def _report_lost_descriptor(self, call: cst.Call) -> None:
        self.report(call, "`tempfile.mkstemp()` returns an open file descriptor that is thrown away here: it is "
                          "never closed, and each call leaks one.")

    # --- one function ---------------------------------------------------------
    def _check_function(self, function: cst.FunctionDef) -> None:
        resources = self._resources_in(function)
        if not resources:
            return
        function.body.visit(_UseFinder(self.ctx, resources, self._module_functions))
        leaking = {name for name, resource in resources.items() if self._leaks(resource)}
        forever = [node for node in own_nodes(function.body) if _forever_loop(node)] if leaking else []
        if forever:
            # A worker's main loop (`while True:`, `while not stop.is_set():`): what it opens before the loop is
            # opened once and lives as long as the process, like a module-level client; what it opens on every
            # round leaks on every round.
            leaking = {name for name in leaking if resources[name].statement is None
                       or any(resources[name].statement in own_nodes(loop.body) for loop in forever)}
        for name, resource in resources.items():
            if name not in leaking:
                continue
            if resource.connection is not None:
                # Closing the connection closes its cursors: a leaking connection is the one report (its fix, a
                # `with` or `finally`, takes the cursors with it), and a closed one leaks none.
                continue
            what = _RESOURCES.get(resource.constructor) or self._factories.get(resource.constructor) or (
                "cursor" if resource.constructor == "cursor" else "file descriptor")
            start, end = (resource.acquired, resource.call) if resource.acquired is not None else (resource.call, None)
            if not resource.closes:
                self.report(start, f"`{resource.name}` ({what}) is opened outside `with` and never closed: "
                                   "each call leaks it until garbage collection, and under load the "
                                   "process runs out of descriptors or connections.", end_node=end)
            else:
                self.report(start, f"`{resource.name}` ({what}) is closed only on the success path: an "
                                   "exception before `close()` leaks it; use `with` or `finally`.", end_node=end)

    def _leaks(self, resource: _Resource) -> bool:
        if resource.escapes or resource.block is None:
            return False
        if any(in_finally for in_finally, _block, _statement in resource.closes):
            return False
        return not any(self._closed_right_after(resource, block, statement)
                       for _in_finally, block, statement in resource.closes)

    def _resources_in(self, function: cst.FunctionDef) -> dict[str, _Resource]:
        """Every `name = <resource>(...)` of this function's own body, by name (the first binding wins)."""
        found: dict[str, _Resource] = {}
        opened_here: set[str] = set()
        bound_to_call: dict[str, cst.Call] = {}
        with_names: set[str] = set()
        for node in own_nodes(function.body):
            if isinstance(node, cst.WithItem) and node.asname is not None and isinstance(node.asname.name, cst.Name):
                with_names.add(node.asname.name.value)
            target: cst.BaseExpression | None = None
            value: cst.BaseExpression | None = None
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target, value = node.targets[0].target, node.value
            elif isinstance(node, cst.AnnAssign):
                target, value = node.target, node.value
            if not isinstance(value, cst.Call):
                continue
            if isinstance(target, cst.Name):
                bound_to_call.setdefault(target.value, value)
            constructor = self.ctx.qualify(value.func) or ""
            connection: str | None = None
            if constructor == _MKSTEMP and isinstance(target, (cst.Tuple, cst.List)) and target.elements:
                target = target.elements[0].value
            elif isinstance(value.func, cst.Name) and value.func.value in self._factories and (
                    function.name.value not in self._factories):
                constructor = value.func.value  # a same-file helper that opens the resource and returns it
            elif constructor not in _RESOURCES:
                if not _is_cursor_call(value):
                    continue
                receiver = value.func.value  # type: ignore[attr-defined]
                # A cursor of a connection managed by `with` here lives and dies with it.
                if isinstance(receiver, cst.Name) and receiver.value in with_names:
                    continue
                constructor = "cursor"
                connection = receiver.value if isinstance(receiver, cst.Name) and receiver.value in opened_here else None
            if not isinstance(target, cst.Name) or target.value in found:
                continue
            opened_here.add(target.value)
            acquired = None
            if constructor == "cursor" and connection is None and isinstance(value.func.value, cst.Name):  # type: ignore[attr-defined]
                acquired = bound_to_call.get(value.func.value.value)  # type: ignore[attr-defined]
            found[target.value] = _Resource(name=target.value, call=value, constructor=constructor, definition=target,
                                            connection=connection if constructor == "cursor" else None,
                                            acquired=acquired)
        return found

    @staticmethod
    def _closed_right_after(resource: _Resource, block: cst.CSTNode | None, statement: cst.CSTNode | None) -> bool:
        """A plain `close()` is on every path only when nothing between the open and it can raise."""
        if block is None or block is not resource.block or not isinstance(block, cst.IndentedBlock):
            return False
        body = list(block.body)
        try:
            start, end = body.index(resource.statement), body.index(statement)  # type: ignore[arg-type]
        except ValueError:
            return False
        return start < end and not any(findall(between, _CAN_RAISE) for between in body[start + 1:end])


def _forever_loop(node: cst.CSTNode) -> bool:
    """A loop that runs until shutdown and that nothing leaves: not a retry loop (`while True:` that returns
    on success), whose function is called again for every job."""
    if not isinstance(node, cst.While) or not runs_until_shutdown(node):
        return False
    if any(isinstance(inner, cst.Return) for inner in own_nodes(node.body)):
        return False
    stack: list[cst.CSTNode] = [node.body]  # a `break` of this loop, not of one nested in it
    while stack:
        inner = stack.pop()
        if isinstance(inner, cst.Break):
            return False
        if not isinstance(inner, (cst.For, cst.While, *NESTED_SCOPES)):
            stack.extend(children(inner))
    return True


def _is_neutral_use(node: cst.Name, parent: cst.CSTNode) -> bool:
    """Uses that neither close nor hand over: `for line in f`, `if f:`, `f is None`, `del f`, `f = ...`."""
    if isinstance(parent, cst.For):
        return parent.iter is node
    if isinstance(parent, (cst.If, cst.While)):
        return parent.test is node
    if isinstance(parent, (cst.AssignTarget, cst.AugAssign)):
        return parent.target is node
    return isinstance(parent, _NEUTRAL_PARENTS)


def _is_cursor_call(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Attribute) and call.func.attr.value == "cursor"


