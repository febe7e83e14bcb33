"""DB005: a database check followed by a write that depends on it, with nothing stopping a concurrent twin."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path
from reviewer.checks._data import (
    Scope,
    db_write,
    ends_in_leave,
    has_lock_or_atomic_update,
    is_camel,
    is_query_call,
    is_row_load,
    method,
    not_production_code,
    orm_model,
    positional,
    receiver,
    scope_of,
    sql_text,
    sql_verb,
    unwrap,
)

# The database settles the race itself: a unique constraint that is caught, or an atomic upsert.
_RACE_HANDLED = re.compile(
    r"IntegrityError|UniqueViolation|unique_violation|DuplicateKey|get_or_create|update_or_create|on\s+conflict"
    r"|on_conflict_do|insert\s+or\s+(ignore|replace)|on\s+duplicate\s+key|insert\s+ignore|\.merge\(|upsert", re.I)
_SQL_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+[\"`\[]?(\w+)")
_ORDERING = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
_CREATES = frozenset({"create", "bulk_create", "create_user", "create_superuser", "insert"})


class UnlockedCheckThenAct(PythonCheck):
    """An existence or balance check followed by a dependent write, with no lock or unique-constraint handling.

    ## What it does
    Reports the `if` of a check-then-act sequence in one function:
    an existence check — `if Model.objects.filter(...).exists()`, `if not Model.query.filter_by(...).first()`,
    `if row is None` after a `SELECT`, `if existing:` for a record loaded above — followed by an insert of the
    same model or table (`Model.objects.create`, `session.add(Model(...))`, `Model(...).save()`,
    `INSERT INTO table`) inside the `if` (when it tested for absence) or after it (when the `if` tested for
    presence and returns or raises); or a balance check — `if account.balance >= amount` on a loaded record —
    followed by a change of that same field and a save. It is not reported when the function locks
    (`select_for_update`, `with_for_update`, `FOR UPDATE`, an advisory lock), catches `IntegrityError`, or uses
    `get_or_create`, `update_or_create`, `ON CONFLICT`, `INSERT OR IGNORE` or an `F()` expression.

    ## Why is this bad?
    Two requests run the check at the same moment, both see "no such user" or "enough money", and both
    act: two accounts with one e-mail, two bookings of one seat, a balance spent twice. Double-clicks and
    client retries make this common, not theoretical. Let the database decide: a unique constraint whose
    `IntegrityError` is handled, an upsert, a conditional `UPDATE ... WHERE balance >= %s`, or a row lock.

    ## Known limits
    The check and the write must be in the same function, and the model of the check and of the insert must
    be recognisable and equal (`User` and `users` match). A unique constraint in the schema with the error
    handled by a caller or by middleware is not seen, so such a function is still reported. Checks combined
    with other conditions (`if user and user.active`) are not judged. An existence check followed only by
    an update of the record it found (`if user is None: abort(404)`, then `user.name = ...`) is not a race
    this check reports. Tests and migrations are skipped.
    """

    id = "DB005"
    VALID = (
        """
from django.db import IntegrityError

def register(request):
    email = request.POST["email"].lower()
    if User.objects.filter(email=email).exists():  # ok: DB005
        return JsonResponse({"error": "email taken"}, status=409)
    try:
        user = User.objects.create_user(email=email, password=request.POST["password"])
    except IntegrityError:
        return JsonResponse({"error": "email taken"}, status=409)
    return JsonResponse({"id": user.id}, status=201)
""",
        """
from django.db import transaction

def book_seat(request, seat_id):
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat_id)
        if seat.booked_by_id is not None:  # ok: DB005
            return JsonResponse({"error": "taken"}, status=409)
        Booking.objects.create(seat=seat, user=request.user)
        seat.booked_by = request.user
        seat.save()
""",
        """
def follow(conn, follower_id, followee_id):
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO follows (follower_id, followee_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (follower_id, followee_id),
        )
    conn.commit()
""",
        """
from app.models import db, User

def update_profile(user_id, form):
    user = User.query.filter_by(id=user_id).first()
    if user is None:  # ok: DB005
        abort(404)
    user.bio = form.bio
    db.session.add(AuditLog(user_id=user.id, action="profile"))
    db.session.commit()
""",
    )
    INVALID = (
        """
from django.http import JsonResponse

def register(request):
    email = request.POST["email"].lower()
    if User.objects.filter(email=email).exists():  # expect: DB005
        return JsonResponse({"error": "email taken"}, status=409)
    user = User.objects.create_user(email=email, password=request.POST["password"])
    return JsonResponse({"id": user.id}, status=201)
""",
        """
from app.models import db, Reservation

def reserve(room_id, day, user_id):
    existing = Reservation.query.filter_by(room_id=room_id, day=day).first()
    if not existing:  # expect: DB005
        db.session.add(Reservation(room_id=room_id, day=day, user_id=user_id))
        db.session.commit()
        return True
    return False
""",
        """
def spend(session, wallet_id, amount):
    wallet = session.get(Wallet, wallet_id)
    if wallet.balance >= amount:  # expect: DB005
        wallet.balance -= amount
        session.commit()
        return True
    return False
""",
        """
def subscribe(conn, user_id, list_id):
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM subscriptions WHERE user_id = %s AND list_id = %s", (user_id, list_id))
    if cur.fetchone() is None:  # expect: DB005
        cur.execute("INSERT INTO subscriptions (user_id, list_id) VALUES (%s, %s)", (user_id, list_id))
        conn.commit()
""",
    )

    _module_scope: Scope | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not_production_code(self.ctx):
            return
        scope = scope_of(node, self._module_scope)
        ifs = scope.of_type(cst.If)
        for branch in ifs:
            if self._existence_race(branch, scope) and not self._race_handled(scope):
                self.report(branch, "This existence check and the insert that depends on it are not atomic: two "
                                    "concurrent requests both pass the check and both insert.")
            elif self._balance_race(branch, scope) and not self._race_handled(scope):
                self.report(branch, "This balance check and the update that depends on it are not atomic: two "
                                    "concurrent requests both pass the check and the value is spent twice.")

    def _race_handled(self, scope: Scope) -> bool:
        return bool(_RACE_HANDLED.search(scope.code(self))) or has_lock_or_atomic_update(scope, self)

    # --- existence: if not exists: insert / if exists: return; insert ---------------------------
    def _existence_race(self, branch: cst.If, scope: Scope) -> bool:
        found = _polarity(branch.test)
        if found is None:
            return False
        subject, present = found
        model = self._checked_model(subject, branch, scope)
        if model is None:
            return False
        if present:
            # `if exists: reject` then insert after the if, or `if exists: ... else: insert`.
            candidates = scope.calls_within(branch.orelse) if isinstance(branch.orelse, cst.Else) else []
            if ends_in_leave(branch.body):
                candidates += [c for c in scope.calls() if scope.index[c] > scope.last[branch]]
        else:
            candidates = scope.calls_within(branch.body)
        return any(_same_model(self._created_model(c, scope), model) for c in candidates)

    def _checked_model(self, subject: cst.BaseExpression, at: cst.CSTNode, scope: Scope) -> str | None:
        """Which model or table an existence test looks at, through a name bound to a query above."""
        value = subject
        if isinstance(subject, cst.Name):
            binding = scope.binding(subject.value, at)
            if binding is None or binding.unpacked:
                return None
            if binding.at not in scope.index:
                return None  # a module-level name: not a check made in this function
            value = unwrap(binding.value)
            at = binding.at
            loads = isinstance(value, cst.Call) and (
                is_row_load(value, scope, self.ctx) or is_query_call(value, scope, self.ctx))
            if not loads:
                return None
        if not isinstance(value, cst.Call):
            return None
        orm = orm_model(value, scope, self.ctx)
        if orm is not None:
            return orm[1]
        selected = next((c for c in scope.calls_within(value) if method(c) == "select" and c.args), None)
        if selected is not None:
            return (attribute_path(selected.args[0].value) or "").split(".")[0] or None
        if method(value) in ("fetchone", "fetchrow", "fetchval", "first", "scalar"):
            return self._table_read_by(value, at, scope)
        return None

    def _table_read_by(self, fetch: cst.Call, at: cst.CSTNode, scope: Scope) -> str | None:
        recv = receiver(fetch)
        sql = None
        if isinstance(recv, cst.Call) and method(recv) == "execute":
            sql = positional(recv)
        elif method(fetch) in ("fetchrow", "fetchval"):
            sql = positional(fetch)
        elif recv is not None:
            path = attribute_path(recv)
            executes = [c for c in scope.calls() if method(c) == "execute" and scope.before(c, at)
                        and attribute_path(receiver(c) or cst.Name("_")) == path]
            sql = positional(executes[-1]) if executes else None
        if sql_verb(sql, scope) != "SELECT":
            return None
        text = sql_text(sql, scope)
        table = _SQL_TABLE.search(text[0]) if text is not None else None
        return table.group(1) if table is not None else None

    def _created_model(self, call: cst.Call, scope: Scope) -> str | None:
        """The model or table a call inserts into, if it inserts."""
        name = method(call)
        orm = orm_model(call, scope, self.ctx)
        if orm is not None and orm[0] == "django" and name in _CREATES:
            return orm[1]
        recv = receiver(call)
        if name in ("add", "add_all") and recv is not None and db_write(call, scope, self.ctx) and call.args:
            return _constructed(call.args[0].value, call, scope)
        if name == "save" and recv is not None and positional(call) is None:
            return _constructed(recv, call, scope)
        if name in ("create", "insert") and isinstance(recv, cst.Name) and is_camel(recv.value):
            return recv.value
        if name in ("execute", "executemany") and sql_verb(positional(call), scope) == "INSERT":
            text = sql_text(positional(call), scope)
            table = _SQL_TABLE.search(text[0]) if text is not None else None
            return table.group(1) if table is not None else None
        return None

    # --- balance: if acct.balance >= amount: acct.balance -= amount; save ------------------------
    def _balance_race(self, branch: cst.If, scope: Scope) -> bool:
        test = branch.test
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return False
        if not isinstance(test.comparisons[0].operator, _ORDERING):
            return False
        for side in (test.left, test.comparisons[0].comparator):
            if self._from_fetched_row(side, branch, scope):
                return any(method(c) in ("execute", "executemany") and sql_verb(positional(c), scope) == "UPDATE"
                           for c in scope.calls() if scope.before(branch, c))
            if not (isinstance(side, cst.Attribute) and isinstance(side.value, cst.Name)):
                continue
            obj, attr = side.value.value, side.attr.value
            binding = scope.binding(obj, branch)
            if binding is None or binding.unpacked or not is_row_load(binding.value, scope, self.ctx):
                continue
            changes = [n for n in scope.of_type(cst.AugAssign, cst.Assign) if scope.before(branch, n)
                       and any(attribute_path(t) == f"{obj}.{attr}" for t in _targets(n))]
            if changes and any(_saves(c, obj, scope, self.ctx) for c in scope.calls() if scope.before(changes[0], c)):
                return True
        return False


    def _from_fetched_row(self, expr: cst.BaseExpression, at: cst.CSTNode, scope: Scope, depth: int = 0) -> bool:
        """`row["balance"]`, `row[0]`, or a name bound to one (or unpacked from `fetchone()`)."""
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name):
            return self._from_fetched_row(expr.value, at, scope, depth + 1) if depth == 0 else False
        if not isinstance(expr, cst.Name) or depth > 2:
            return False
        binding = scope.binding(expr.value, at)
        if binding is None or binding.at not in scope.index:
            return False
        value = unwrap(binding.value)
        if isinstance(value, cst.Call) and method(value) in ("fetchone", "fetchrow"):
            return binding.unpacked or depth > 0
        return depth == 0 and isinstance(value, cst.Subscript) and self._from_fetched_row(value, binding.at, scope)


def _polarity(test: cst.BaseExpression) -> tuple[cst.BaseExpression, bool] | None:
    """(what is tested, True when the `if` body runs if it exists)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _polarity(test.expression)
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


def _constructed(expr: cst.BaseExpression, at: cst.CSTNode, scope: Scope) -> str | None:
    """`Model(...)`, or a name bound to one: the model a new object belongs to."""
    if isinstance(expr, cst.Name):
        binding = scope.binding(expr.value, at)
        expr = binding.value if binding is not None and not binding.unpacked else expr
    if isinstance(expr, cst.Call):
        name = (attribute_path(expr.func) or "").rsplit(".", 1)[-1]
        return name if is_camel(name) else None
    return None


def _normal(name: str) -> str:
    name = re.sub(r"[^a-z0-9]", "", name.lower())
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def _same_model(created: str | None, checked: str) -> bool:
    return created is not None and _normal(created) == _normal(checked)


def _targets(node: cst.CSTNode) -> list[cst.BaseExpression]:
    if isinstance(node, cst.AugAssign):
        return [node.target]
    return [t.target for t in node.targets]


def _saves(call: cst.Call, obj: str, scope: Scope, ctx) -> bool:
    name = method(call)
    if name == "save":
        return attribute_path(receiver(call) or cst.Name("_")) == obj
    return name in ("commit", "flush") and db_write(call, scope, ctx) is not None
