"""DB005: the next number of a series read as `MAX(...) + 1` (or a count + 1) and written, with no lock."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, descendants
from reviewer.checks._data import Scope, ScopeCheck, db_write, has_lock, method, positional, scope_of, sql_text

# `MAX(seq) + 1`, `COALESCE(MAX(seq), 0) + 1`, `count(*) + 1` in SQL text.
_NEXT_IN_SQL = re.compile(r"\b(MAX|COUNT)\s*\([^()]*\)\s*(,\s*\d+\s*\)\s*)?\+\s*1\b", re.I)
# Calls that run SQL text given as their first argument.
_RUNS_SQL = frozenset({"execute", "fetch", "fetchrow", "fetchval", "fetch_one", "fetch_val", "scalar",
                       "exec_driver_sql"})
# Calls that read back the row a query returned: the next number comes out of one of these.
_FETCHES = frozenset({"fetchone", "fetchval", "fetchrow", "scalar", "scalar_one", "first", "one", "fetch_one",
                      "fetch_val", "mappings"})
# An aggregate that finds the largest value in the ORM: `func.max(Invoice.seq)`, `Max("seq")`.
_ORM_MAX = re.compile(r"(^|\.)(func\.max|Max)$")
# The unique constraint answered: the caller retries with the next number, or reports the clash.
_UNIQUE_CLASH = re.compile(r"IntegrityError|UniqueViolation|unique_violation")
_WRITES = frozenset({"create", "add", "bulk_create", "get_or_create", "save"})


class NextNumberFromMax(ScopeCheck):
    """A number taken as one more than the largest (or the count) so far, then written, with no lock.

    ## What it does
    In a function, finds a read of the next number of a series: SQL that selects `MAX(col) + 1`,
    `COALESCE(MAX(col), 0) + 1` or `COUNT(*) + 1`, an ORM `count() + 1`, or `... + 1` of an ORM maximum
    (`func.max(Invoice.seq)`, `Max("seq")`), directly or through a function of the same module that returns it
    (`number = next_invoice_number(conn, year)`). When a later database write in the function (an `INSERT`, an
    `UPDATE`, `objects.create`, `session.add`, `save`) uses that number (the name it was stored in, or a name
    built from it: `number = f"MC-{year}-{seq:05d}"`), reports from the read to that write. Not reported when the
    function (or the helper) locks (`FOR UPDATE`, `select_for_update`, an advisory or table lock, `SERIALIZABLE`)
    or catches `IntegrityError`/`UniqueViolation` (the unique constraint is answered, usually by trying again).

    ## Why is this bad?
    Two requests run the same `SELECT MAX(seq) + 1` before either inserts: both get the same number. Without a
    unique constraint two invoices carry one number (a gap-free series the accountant relies on is broken);
    with one, the second request fails with an error nobody handles. A database sequence, a counter row
    updated atomically (`UPDATE counters SET value = value + 1 ... RETURNING value`), or a lock around the read
    and the insert gives each request its own number.

    ## Known limits
    A maximum fetched first and incremented in Python (`cur.fetchone()["latest"] + 1` after `SELECT MAX(...)`)
    is UnlockedCheckThenAct's finding, not this one's. The number is followed through names, one helper of the
    same module deep; a number read in another module
    or kept on an object's attribute is not. A unique constraint declared in the schema, with the error handled
    by a caller, is not seen: such code is reported.
    """

    id = "DB005"
    VALID = (
        # An advisory lock on the year is held while the number is taken and written.
        """
def issue_invoice(conn, quote_id, year):
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (year,))
        cur.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM invoices WHERE year = %s", (year,))
        seq = cur.fetchone()[0]
        cur.execute("INSERT INTO invoices (quote_id, year, seq) VALUES (%s, %s, %s)", (quote_id, year, seq))  # ok: DB005
""",
        # A clash on the unique constraint is answered by taking the next number again.
        """
from django.db import IntegrityError

def add_to_waitlist(site, member):
    for _ in range(3):
        position = WaitlistEntry.objects.filter(site=site).count() + 1
        try:
            return WaitlistEntry.objects.create(site=site, member=member, position=position)  # ok: DB005
        except IntegrityError:
            continue
    raise RuntimeError("waitlist busy")
""",
        # A count shown to the caller, not written.
        """
def summary(session, site_id):
    waiting = session.query(WaitlistEntry).filter_by(site_id=site_id).count() + 1
    session.add(PageView(site_id=site_id))  # ok: DB005
    return {"you_would_be": waiting}
""",
    )
    INVALID = (
        """
def issue_invoice(conn, quote_id, year):
    with conn.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(seq), 0) + 1 AS next_seq FROM invoices WHERE year = %s", (year,))  # expect: DB005
        seq = cur.fetchone()["next_seq"]
        number = f"MC-{year}-{seq:05d}"
        cur.execute("INSERT INTO invoices (quote_id, year, seq, number) VALUES (%s, %s, %s, %s)",
                    (quote_id, year, seq, number))
""",
        # Through a helper of the module that returns the next number.
        """
def next_invoice_number(conn, year):
    row = conn.execute("SELECT coalesce(max(number), 0) + 1 AS next FROM invoices WHERE year = %s", (year,)).fetchone()
    return row["next"]

def issue(conn, client_id, year):
    number = next_invoice_number(conn, year)  # expect: DB005
    conn.execute("INSERT INTO invoices (client_id, year, number) VALUES (%s, %s, %s)", (client_id, year, number))
""",
        # The ORM: one more than the count, written as the new entry's position.
        """
def join_waitlist(request, site_id):
    position = WaitlistEntry.objects.filter(site_id=site_id).count() + 1  # expect: DB005
    WaitlistEntry.objects.create(site_id=site_id, member=request.user.member, position=position)
    return redirect("waitlists")
""",
    )

    def judge(self, scope: Scope) -> None:
        if not isinstance(scope.root, cst.FunctionDef):
            return
        code = scope.code(self)
        if _UNIQUE_CLASH.search(code) or has_lock(scope, self):
            return
        for read in self._reads(scope):
            names = _names_holding(read, scope)
            write = next((call for call in scope.calls() if scope.index[call] > scope.last[read]
                          and _writes(call, scope, self) and _mentions(call, names, scope)), None)
            if write is not None:
                self.report(read, f"`{sorted(names)[0]}` is the next number, read as the largest (or the count) "
                                  f"so far plus one and written on line {self.line_of(write)} with no lock: two "
                                  "requests read the same value and write the same number (a duplicate, or a "
                                  "unique-constraint error nobody handles). Use a sequence, an atomic counter "
                                  "update, or lock the read.", end_node=write)
                return

    def _reads(self, scope: Scope) -> list[cst.CSTNode]:
        """Where the function takes a next number: the SQL call, the `+ 1`, or the call of a helper returning one."""
        found: list[cst.CSTNode] = []
        for node in scope.of_type(cst.Call, cst.BinaryOperation):
            if isinstance(node, cst.Call):
                if method(node) in _RUNS_SQL and _next_in_sql(node, scope):
                    found.append(node)
                elif isinstance(node.func, cst.Name) and self._helper_returns_next(node.func.value):
                    found.append(node)
            elif _next_in_python(node, self):
                found.append(node)
        return found

    def _helper_returns_next(self, name: str) -> bool:
        helper = self.module_function(name)
        if helper is None:
            return False
        inner = scope_of(helper, self._module_scope)
        if _UNIQUE_CLASH.search(inner.code(self)) or has_lock(inner, self):
            return False
        reads = [call for call in inner.calls() if method(call) in _RUNS_SQL and _next_in_sql(call, inner)]
        reads += [op for op in inner.of_type(cst.BinaryOperation) if _next_in_python(op, self)]
        return bool(reads) and bool(inner.of_type(cst.Return))


def _next_in_sql(call: cst.Call, scope: Scope) -> bool:
    text = sql_text(positional(call), scope)
    return text is not None and bool(_NEXT_IN_SQL.search(text[0]))


def _next_in_python(node: cst.BinaryOperation, check: NextNumberFromMax) -> bool:
    """`Model.objects.filter(...).count() + 1`, `(session.scalar(select(func.max(X.seq))) or 0) + 1`."""
    if not isinstance(node.operator, cst.Add) or not (isinstance(node.right, cst.Integer) and node.right.value == "1"):
        return False
    for inner in descendants(node.left):
        if not isinstance(inner, cst.Call):
            continue
        if method(inner) == "count" and not inner.args and isinstance(inner.func, cst.Attribute) and isinstance(
                inner.func.value, cst.Call):  # a query's count, not `items.count(x)` of a list
            return True
        if _ORM_MAX.search(check.ctx.qualify(inner.func) or attribute_path(inner.func) or ""):
            return True
    return False


def _names_holding(read: cst.CSTNode, scope: Scope) -> set[str]:
    """The names the next number is stored in: bound from the read itself or from the row it fetched
    (`seq = cur.fetchone()["next_seq"]`), and the names built from those (`number = f"...{seq}"`)."""
    names: set[str] = set()
    fetched = False
    for statement in scope.of_type(cst.Assign):
        if scope.last[statement] < scope.index[read] or len(statement.targets) != 1 or not isinstance(
                statement.targets[0].target, cst.Name):
            continue
        value = statement.value
        inside = scope.index[statement] <= scope.index[read] <= scope.last[statement]
        reads_row = not fetched and isinstance(read, cst.Call) and method(read) in _RUNS_SQL and any(
            isinstance(n, cst.Call) and method(n) in _FETCHES for n in scope.within(value))
        derived = any(isinstance(n, cst.Name) and n.value in names for n in scope.within(value))
        if inside or reads_row or derived:
            names.add(statement.targets[0].target.value)
            fetched = fetched or reads_row
    return names


def _writes(call: cst.Call, scope: Scope, check: NextNumberFromMax) -> bool:
    kind = db_write(call, scope, check.ctx)
    return kind is not None and (method(call) in _WRITES or method(call) in ("execute", "executemany", "fetchrow",
                                                                             "fetchval", "fetch"))


def _mentions(call: cst.Call, names: set[str], scope: Scope) -> bool:
    return any(isinstance(n, cst.Name) and n.value in names for n in scope.within(call))
