"""DB006: a query filter no index can serve: a leading wildcard, a substring lookup, a function of the column."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path
from reviewer.checks._data import Scope, ScopeCheck, is_camel, method, positional, receiver
from reviewer.findings import Confidence

# `LIKE '%term'`, `ILIKE '%{q}%'` (an f-string), `LIKE '%%%s%%'` (%-formatting), `LIKE '%' || :q`,
# `LIKE CONCAT('%', ?)`. `LIKE '%'` alone matches everything and is not a search.
_LEADING_WILDCARD = re.compile(r"\b(i?like)\s+(e?'%(?!')|'%'\s*\|\||concat\s*\(\s*'%')", re.I)
# `LIKE %s`, `LIKE ?`, `LIKE $2`, `LIKE :pattern`, `LIKE %(q)s`: the pattern is a parameter.
_LIKE_PLACEHOLDER = re.compile(r"\b(i?like)\s+(%s|\?|\$\d+|:\w+|%\(\w+\)s)", re.I)
# A comparison on a function of a column: `WHERE lower(email) =`, `AND EXTRACT(YEAR FROM day) =`,
# `AND date_trunc('month', at) =`, `AND (ts AT TIME ZONE $2)::date =`.
_FUNCTION_OF_COLUMN = re.compile(
    r"\b(where|and|or|on)\s+\(?\s*(lower|upper|regexp_replace|extract|date|to_char|date_trunc|trim|substring|substr)"
    r"\s*\(\s*(?!'|%s|\?|\$\d|:\w)"  # a function of a value (`lower(%s)`) is not a function of a column
    # `date_trunc('month', created_at) =`: the unit first, then the column.
    r"|\b(where|and|or|on)\s+\(?\s*date_trunc\s*\(\s*'\w+'\s*,\s*(?!'|%s|\?|\$\d|:\w)"
    r"|\)::(date|text)\s*(=|<|>|in\b|between\b)"
    # `WHERE l.poured_at::date = ...`: a cast of a column (not of a literal or a placeholder: `%s::date`, `$1::date`).
    r"|\b(where|and|or|on)\s+\(?\s*[A-Za-z_]\w*(\.[A-Za-z_]\w*)?::(date|text)\s*(=|<|>|in\b|between\b)", re.I)
# An index that serves these patterns: a trigram or full-text index, or an expression index.
_INDEX_FOR_IT = re.compile(r"gin_trgm_ops|pg_trgm|GinIndex|GistIndex|TrigramSimilarity|SearchVector|to_tsvector|"
                           r"create\s+index[^;\n]*\(\s*(lower|upper|date|extract|regexp_replace)\b|Index\([^)\n]*func\.",
                           re.I)
# Django lookups that compile to `LIKE '%...'` or a regular expression.
_DJANGO_LOOKUP = re.compile(r"__(icontains|endswith|iendswith|regex|iregex)$")
# SQLAlchemy column operators that compile to `LIKE '%...'`.
_SQLA_SUBSTRING = frozenset({"contains", "icontains", "endswith", "iendswith"})
_SQLA_LIKE = frozenset({"like", "ilike", "not_like", "not_ilike", "notlike", "notilike"})
_DJANGO_QUERY = frozenset({"filter", "exclude", "get", "Q", "get_object_or_404", "get_list_or_404"})
_EXECUTE = frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one", "read_sql",
                      "read_sql_query", "exec_driver_sql", "raw"})


class UnindexableFilter(ScopeCheck):
    """A query filter that no ordinary index can serve, so every query scans the table.

    ## What it does
    Reports a query whose filter makes the database read every row:
    - a `LIKE`/`ILIKE` pattern that starts with a wildcard, written in the SQL (`ILIKE '%{q}%'`,
      `LIKE '%%%s%%'`, `LIKE '%' || :q`) or passed as its parameter (`ILIKE %s` with `f"%{term}%"`);
    - SQLAlchemy's `.ilike()`/`.like()` with such a pattern (also on a function of a column,
      `func.lower(Movement.note).like(f"%{q}%")`), and `.contains()`, `.icontains()`,
      `.endswith()` on a model column (`Message.body.contains(q)`, `table.c.title.icontains(q)`);
    - Django's `__icontains`, `__endswith`, `__iendswith`, `__regex` and `__iregex` lookups;
    - a comparison on a function of a column in SQL (`WHERE lower(email) = %s`,
      `AND EXTRACT(YEAR FROM day) = %s`, `date_trunc('month', at) = %s`, `(ts AT TIME ZONE $2)::date = $3`,
      `WHERE poured_at::date = %s`, `regexp_replace(phone, ...)`)
      or in SQLAlchemy (`func.lower(User.email) == email`, `db.func.date(Slot.starts_at) == day`, one function
      around another).
    A file that creates a trigram, full-text or expression index (`gin_trgm_ops`, `GinIndex`,
    `to_tsvector`, `CREATE INDEX ... (lower(email))`) is not reported. Tests and migrations are skipped.
    A pattern in SQL text is reported from the call that runs it, when the text is written in that call, to the
    pattern's line; when the text is assigned to a name, on its line, and the calls that run that name
    (`conn.fetch(sql)`) are the finding's related lines.

    ## Why is this bad?
    A B-tree index is ordered by the column's value, so it can find `name LIKE 'abc%'` but not a
    pattern that starts with a wildcard, a substring, or a value computed from the column: each such
    query reads the whole table. It is fast on a laptop with a hundred rows and slows every request
    (and the database for everyone else) as the table grows. Search a prefix, compare the stored value
    (normalise it on write), add a trigram or full-text index, or an expression index for the function.

    ## Known limits
    Whether the table grows, and whether an index was created in a migration or another file, is not
    known: the index is looked for in the same file only. A pattern built in another function is not
    followed. `.contains()` on an ARRAY or JSON column (containment, which a GIN index serves) is
    reported unless its argument is a list or dict literal.
    """

    id = "DB006"
    confidence = Confidence.medium
    VALID = (
        """
from sqlalchemy import select
from app.models import Product

def search(db, term):
    rows = db.execute("SELECT id FROM products WHERE name ILIKE %s LIMIT 20", (term + "%",))  # ok: DB006
    prefix = db.execute(f"SELECT id FROM products WHERE sku LIKE '{term}%'")  # ok: DB006
    tagged = db.scalars(select(Product).where(Product.tags.contains(["sale"])))  # ok: DB006
    return rows, prefix, tagged

def farm_search(cur, term):
    '''Prefix search on the farm name, served by the index on lower(farms.name).'''  # ok: DB006
    cur.execute("SELECT id FROM farms WHERE name LIKE %s LIMIT 20", (term + "%",))
    return cur.fetchall()

def is_csv(upload):
    return upload.filename.lower().endswith(".csv")  # ok: DB006

def by_email(cur, email):
    cur.execute("SELECT id FROM users WHERE email = lower(%s)", (email,))  # ok: DB006
    return cur.fetchone()
""",
        """
from django.db import models
from django.contrib.postgres.indexes import GinIndex

class Article(models.Model):
    title = models.CharField(max_length=200)

    class Meta:
        indexes = [GinIndex(fields=["title"], name="title_trgm", opclasses=["gin_trgm_ops"])]

def search(term):
    return Article.objects.filter(title__icontains=term)[:20]  # ok: DB006
""",
    )
    INVALID = (
        """
def search_orders(cur, memo):
    cur.execute(  # expect: DB006
        "SELECT id, total FROM orders "
        f"WHERE memo ILIKE '%{memo}%' ORDER BY created_at DESC LIMIT 50"
    )
    return cur.fetchall()

def day_sales(cur, day):
    cur.execute("SELECT tab_id, price FROM tab_lines l WHERE l.poured_at::date = %s", (day,))  # expect: DB006
    return cur.fetchall()

def find_patient(cur, phone):
    cur.execute(  # expect: DB006
        "SELECT id FROM patients "
        "WHERE regexp_replace(phone, '[^0-9]', '', 'g') = %s LIMIT 5",
        (phone,),
    )
    return cur.fetchall()

def payslips(cur, company_id, term):
    cur.execute(  # expect: DB006
        "SELECT p.id FROM payslips p JOIN employees e ON e.id = p.employee_id "
        "WHERE e.company_id = %s AND e.last_name ILIKE %s LIMIT 100",
        (company_id, f"%{term}%"),
    )
    return cur.fetchall()

def monthly_points(cur, partner):
    cur.execute(  # expect: DB006
        "SELECT sum(points) FROM earn_events "
        "WHERE partner = %s AND date_trunc('month', created_at) = date_trunc('month', now())",
        (partner,),
    )
    return cur.fetchone()[0]
""",
        """
from sqlalchemy import func, select
from app.models import Car, Document, Message, User

def documents(db, org_id, term):
    pattern = f"%{term}%"
    stmt = select(Document).where(Document.org_id == org_id, Document.title.ilike(pattern))  # expect: DB006
    return db.scalars(stmt.limit(50)).all()

def messages(db, room_id, file_id):
    return (db.query(Message)
            .filter(Message.room_id == room_id, Message.body.contains(file_id))  # expect: DB006
            .limit(20).all())

def user_by_email(db, email):
    return db.scalars(select(User).where(func.lower(User.email) == email.lower())).first()  # expect: DB006

def by_plate(db, plate):
    return db.scalars(select(Car).where(func.replace(func.upper(Car.reg), " ", "") == plate)).first()  # expect: DB006
""",
        """
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

def slots_on(day):
    return Slot.query.filter(db.func.date(Slot.starts_at) == day).limit(50).all()  # expect: DB006
""",
        """
from django.shortcuts import render
from audit.models import Entry

def audit_log(request):
    term = request.GET.get("q", "")
    entries = Entry.objects.filter(details__icontains=term)[:100]  # expect: DB006
    return render(request, "audit.html", {"entries": entries})
""",
        # A substring search on the lower-cased column: still a pattern that starts with `%`.
        """
from sqlalchemy import func
from sqlmodel import select

def search_movements(session, q: str):
    statement = select(ClothMovement).where(func.lower(ClothMovement.note).like(f"%{q.lower()}%"))  # expect: DB006
    return session.exec(statement.limit(50)).all()
""",
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._indexed = bool(_INDEX_FOR_IT.search(self.ctx.text))
        super().visit_Module(node)

    def judge(self, scope: Scope) -> None:
        if self._indexed:
            return
        for string in scope.of_type(cst.SimpleString, cst.FormattedString):
            self._judge_sql_literal(string, scope)
        for call in scope.calls():
            self._judge_call(call, scope)

    def _judge_sql_literal(self, string: cst.SimpleString | cst.FormattedString, scope: Scope) -> None:
        raw = _raw(string)
        if "like" not in raw.lower() and "(" not in raw and "::" not in raw:
            return
        if isinstance(scope.parent.get(string), cst.Expr):
            return  # a docstring is prose: "served by the index on lower(name)" is not a query
        for pattern, message in ((_LEADING_WILDCARD, "starts with a wildcard"),
                                 (_FUNCTION_OF_COLUMN, "compares a function of the column")):
            found = pattern.search(raw)
            if found is not None:
                line = self.line_of(string) + raw.count("\n", 0, found.start())
                # SQL written inside the call that runs it: the finding starts at that call.
                runner = _running_call(string, scope)
                start = min(line, self.line_of(runner)) if runner is not None else line
                self.report_line(start, f"`{found.group(0).strip()}...` {message}: no ordinary index can serve it, "
                                        "so each query reads the whole table and slows down as the table grows.",
                                 end_line=line, related_lines=[self.line_of(c) for c in _runs_of(string, scope)])
                return

    def _judge_call(self, call: cst.Call, scope: Scope) -> None:
        name = method(call)
        if name in _EXECUTE:
            sql = positional(call)
            text = _joined_text(sql, scope)
            if text is not None and _LIKE_PLACEHOLDER.search(text):
                pattern = next((value for value in _parameter_values(call, scope) if _starts_with_wildcard(value, scope)),
                               None)
                if pattern is not None and sql is not None:
                    # The finding spans the call, the `LIKE %s` and the `%`-prefixed value passed for it.
                    like, value = self._line_matching(sql, _LIKE_PLACEHOLDER, scope), self.line_of(pattern)
                    self.report_line(min(like, value, self.line_of(call)), "The LIKE pattern passed to this query starts with `%`: no "
                                     "ordinary index can serve it, so each search reads the whole table and slows down "
                                     "as the table grows.", end_line=max(like, value))
            return
        recv = receiver(call)
        # `func.lower(Movement.note).like(f"%{q}%")`: a function of the column, matched the same way.
        if name in _SQLA_LIKE and (_is_column(recv) or (isinstance(recv, cst.Call) and _function_of_column(recv))):
            pattern = positional(call)
            if pattern is not None and _starts_with_wildcard(pattern, scope):
                self.report(call, f"`.{name}()` with a pattern that starts with `%`: no ordinary index can serve it, "
                                  "so each search reads the whole table and slows down as the table grows.")
            return
        if name in _SQLA_SUBSTRING and _is_column(receiver(call)):
            value = positional(call)
            if value is not None and not isinstance(value, (cst.List, cst.Tuple, cst.Dict, cst.Set)):
                self.report(call, f"`.{name}()` on a column compiles to `LIKE '%...'`: no ordinary index can serve "
                                  "it, so each search reads the whole table and slows down as the table grows.")
            return
        if name in _DJANGO_QUERY:
            for arg in call.args:
                if arg.keyword is not None and _DJANGO_LOOKUP.search(arg.keyword.value):
                    self.report(arg, f"`{arg.keyword.value}` compiles to `LIKE '%...'` or a regular expression: no "
                                     "ordinary index can serve it, so each query reads the whole table.")
                    return
            return
        if _function_of_column(call):
            parent = scope.parent.get(call)
            if isinstance(parent, cst.Comparison) and parent.left is call:
                self.report(parent, f"A comparison on `func.{call.func.attr.value}()` of a column: no ordinary index "
                                    "can serve it, so each query reads the whole table.")


    def _line_matching(self, expr: cst.BaseExpression, pattern: re.Pattern, scope: Scope) -> int:
        """The line of the SQL literal (inside a concatenation or a name's binding) where `pattern` matches."""
        if isinstance(expr, cst.Name):
            binding = scope.binding(expr.value, expr)
            if binding is not None and not binding.unpacked:
                return self._line_matching(binding.value, pattern, scope)
        if isinstance(expr, cst.Call) and expr.args:
            return self._line_matching(expr.args[0].value, pattern, scope)
        if isinstance(expr, cst.ConcatenatedString):
            for part in (expr.left, expr.right):
                if pattern.search(_joined_text(part, scope) or ""):
                    return self._line_matching(part, pattern, scope)
        if isinstance(expr, (cst.SimpleString, cst.FormattedString)):
            raw = _raw(expr)
            found = pattern.search(raw)
            if found is not None:
                return self.line_of(expr) + raw.count("\n", 0, found.start())
        return self.line_of(expr)


def _running_call(string: cst.CSTNode, scope: Scope) -> cst.Call | None:
    """The call that runs SQL written as its first argument (`conn.execute("SELECT ..." "WHERE ...", ...)`)."""
    if string not in scope.index:
        return None
    for ancestor in scope.ancestors(string):
        if isinstance(ancestor, cst.Call):
            sql = positional(ancestor)
            return ancestor if method(ancestor) in _EXECUTE and sql is not None and scope.contains(sql, string) else None
        if not isinstance(ancestor, (cst.Arg, cst.ConcatenatedString, cst.BinaryOperation)):
            return None
    return None


def _runs_of(string: cst.CSTNode, scope: Scope) -> list[cst.Call]:
    """The calls that run the SQL a local name was assigned (`sql = "... LIKE '%..."`, then `conn.fetch(sql)`)."""
    if string not in scope.index:
        return []
    statement = next((a for a in scope.ancestors(string) if isinstance(a, (cst.Assign, cst.SimpleStatementLine))),
                     None)
    if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0].target, cst.Name)):
        return []
    name = statement.targets[0].target.value
    return [call for call in scope.calls() if method(call) in _EXECUTE and scope.before(statement, call)
            and isinstance(positional(call), cst.Name) and positional(call).value == name]


def _raw(string: cst.SimpleString | cst.FormattedString) -> str:
    if isinstance(string, cst.SimpleString):
        return string.value
    return "".join(part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in string.parts)


def _joined_text(expr: cst.BaseExpression | None, scope: Scope, depth: int = 0) -> str | None:
    """The raw text of a SQL expression: literals, concatenations, f-strings, a name bound to one."""
    if expr is None or depth > 3:
        return None
    if isinstance(expr, (cst.SimpleString, cst.FormattedString)):
        return _raw(expr)
    if isinstance(expr, cst.ConcatenatedString):
        left, right = _joined_text(expr.left, scope, depth + 1), _joined_text(expr.right, scope, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(expr, cst.Call) and method(expr) in ("text", "SQL", "dedent") and expr.args:
        return _joined_text(expr.args[0].value, scope, depth + 1)
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, expr)
        if binding is not None and not binding.unpacked:
            return _joined_text(binding.value, scope, depth + 1)
    return None


def _parameter_values(call: cst.Call, scope: Scope) -> list[cst.BaseExpression]:
    """The values passed with a query's SQL: tuple, list and dict elements, and a name bound to one."""
    values: list[cst.BaseExpression] = []
    args = [arg.value for arg in call.args[1:] if arg.keyword is None or arg.keyword.value in ("params", "parameters")]
    for arg in args:
        if isinstance(arg, cst.Name):
            binding = scope.binding(arg.value, arg)
            arg = binding.value if binding is not None and not binding.unpacked else arg
        if isinstance(arg, (cst.Tuple, cst.List)):
            values.extend(element.value for element in arg.elements)
        elif isinstance(arg, cst.Dict):
            values.extend(element.value for element in arg.elements if isinstance(element, cst.DictElement))
        else:
            values.append(arg)
    return values


def _starts_with_wildcard(expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> bool:
    """`"%" + q`, `f"%{q}%"`, `"%%%s%%" % q`, `"%{}%".format(q)`, or a name bound to one."""
    if depth > 2:
        return False
    if isinstance(expr, cst.SimpleString):
        try:
            value = expr.evaluated_value
        except Exception:  # a malformed escape: not a pattern we can read
            return False
        return isinstance(value, str) and value.startswith("%")
    if isinstance(expr, cst.FormattedString):
        first = expr.parts[0] if expr.parts else None
        return isinstance(first, cst.FormattedStringText) and first.value.startswith("%")
    if isinstance(expr, cst.BinaryOperation):
        return _starts_with_wildcard(expr.left, scope, depth + 1)
    if isinstance(expr, cst.Call) and method(expr) == "format" and isinstance(expr.func, cst.Attribute):
        return _starts_with_wildcard(expr.func.value, scope, depth + 1)
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, expr)
        return binding is not None and not binding.unpacked and _starts_with_wildcard(binding.value, scope, depth + 1)
    return False


# SQL functions whose result no ordinary index on the column holds.
_COLUMN_FUNCTIONS = frozenset({"lower", "upper", "date", "trim", "btrim", "ltrim", "rtrim", "extract", "date_trunc",
                               "to_char", "replace", "regexp_replace", "substr", "substring", "coalesce"})


def _function_of_column(expr: cst.BaseExpression, depth: int = 0) -> bool:
    """`func.lower(User.email)`, Flask-SQLAlchemy's `db.func.date(Slot.starts_at)`, or one function around another
    (`func.replace(func.upper(Car.reg), " ", "")`)."""
    if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and depth < 4
            and expr.func.attr.value in _COLUMN_FUNCTIONS):
        return False
    owner = attribute_path(expr.func.value) or ""
    if owner != "func" and not owner.endswith(".func"):
        return False
    return any(_is_column(arg.value) or _function_of_column(arg.value, depth + 1) for arg in expr.args)


def _is_column(expr: cst.BaseExpression | None) -> bool:
    """`Model.column` or `table.c.column`: what SQLAlchemy's column operators are called on."""
    path = attribute_path(expr) if expr is not None else None
    if path is None or "." not in path:
        return False
    parts = path.split(".")
    return is_camel(parts[0]) and len(parts) == 2 or (len(parts) >= 3 and parts[-2] == "c")
