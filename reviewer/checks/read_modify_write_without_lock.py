"""DB004: a row read, changed in Python from its old value, and written back without a lock."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path
from reviewer.checks._data import (
    Binding,
    Scope,
    db_write,
    has_lock_or_atomic_update,
    in_transaction,
    is_row_load,
    method,
    not_production_code,
    positional,
    receiver,
    scope_of,
    sql_verb,
    unwrap,
)

_ROW_FETCH = frozenset({"fetchone", "fetchrow"})


class ReadModifyWriteWithoutLock(PythonCheck):
    """A record loaded, a field recomputed from its old value in Python, and saved, with no lock.

    ## What it does
    In one function, finds a record loaded from the database (`Model.objects.get`, `.filter().first()`,
    `Model.query.get`, `session.get`, `get_object_or_404`, `cur.fetchone()` after a `SELECT`...), then a
    field changed from its own old value (`acct.balance -= amount`, `p.stock = p.stock - qty`, a value
    computed from `row["qty"]`), then the change saved (`.save()`, `commit()`, or an `UPDATE` that writes the
    computed value). It reports the line that changes the value. It is not reported when the function uses
    `select_for_update()` / `with_for_update()` / `FOR UPDATE`, a Django `F()` expression, an atomic
    `UPDATE ... SET x = x - %s`, a version check (`version=` in the filter), an advisory or named lock, or
    the model maps a `version_id_col`.

    ## Why is this bad?
    Two requests read the same balance of 100, each subtracts 30 and writes 70: one withdrawal is lost.
    Under load this oversells stock, double-spends credit and loses counter increments, and it never
    shows up in tests that run one request at a time. Let the database do the arithmetic
    (`F("stock") - qty`, `SET stock = stock - %s WHERE stock >= %s`), or lock the row while deciding.

    ## Known limits
    The load, the change and the save must be in the same function; a model method that does
    `self.balance -= x; self.save()` is not followed. Any lock word, version check or `F()` anywhere in the
    function is taken to cover every change in it. Changes that are not arithmetic on the old value
    (appending to a JSON list through a method call, toggling a state) are not reported, nor are objects
    that were not loaded by a query in the function (`request.user.login_count += 1`). A `with lock:` of any
    kind counts as a lock, although a threading lock does not protect against other processes.
    """

    id = "DB004"
    VALID = (
        """
from django.db import transaction
from django.db.models import F

def withdraw(account_id, amount):
    updated = (Account.objects.filter(pk=account_id, balance__gte=amount)
               .update(balance=F("balance") - amount))  # ok: DB004
    if not updated:
        raise InsufficientFunds(account_id)
""",
        """
from sqlalchemy import select

def reserve_stock(session, product_id, qty):
    with session.begin():
        product = session.execute(select(Product).where(Product.id == product_id).with_for_update()).scalar_one()
        if product.stock < qty:
            raise OutOfStock(product_id)
        product.stock -= qty  # ok: DB004
""",
        """
def rename_user(session, user_id, name):
    user = session.get(User, user_id)
    user.display_name = name.strip()  # ok: DB004
    session.commit()
""",
        """
def debit(conn, account_id, amount):
    with conn.cursor() as cur:
        cur.execute("UPDATE accounts SET balance = balance - %s WHERE id = %s AND balance >= %s",  # ok: DB004
                    (amount, account_id, amount))
        if cur.rowcount == 0:
            raise InsufficientFunds(account_id)
    conn.commit()
""",
    )
    INVALID = (
        """
from django.shortcuts import get_object_or_404

def withdraw(request, account_id):
    account = get_object_or_404(Account, pk=account_id, owner=request.user)
    amount = int(request.POST["amount"])
    if account.balance < amount:
        return HttpResponseBadRequest("insufficient funds")
    account.balance -= amount  # expect: DB004
    account.save(update_fields=["balance"])
    return HttpResponse("ok")
""",
        """
from app.models import db, Product

def reserve(product_id, qty):
    product = Product.query.get(product_id)
    product.stock = product.stock - qty  # expect: DB004
    db.session.commit()
""",
        """
def add_credit(conn, user_id, credit):
    cur = conn.cursor()
    cur.execute("SELECT credits FROM users WHERE id = %s", (user_id,))
    (credits,) = cur.fetchone()
    new_total = credits + credit  # expect: DB004
    cur.execute("UPDATE users SET credits = %s WHERE id = %s", (new_total, user_id))
    conn.commit()
""",
        """
def count_view(post_id):
    post = Post.objects.get(pk=post_id)
    post.views += 1  # expect: DB004
    post.save()
""",
    )

    _module_scope: Scope | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module_scope = scope_of(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not_production_code(self.ctx):
            return
        scope = scope_of(node, self._module_scope)
        loaded = {name: [b for b in bindings if is_row_load(b.value, scope, self.ctx)]
                  for name, bindings in scope.bindings.items()}
        loaded = {name: found for name, found in loaded.items() if found}
        if not loaded or has_lock_or_atomic_update(scope, self):
            return
        reported: set[int] = set()
        for statement in scope.of_type(cst.AugAssign, cst.Assign):
            line = self.line_of(statement)
            if line in reported:
                continue
            if self._orm_change(statement, loaded, scope) or self._row_change(statement, loaded, scope):
                reported.add(line)
                self.report(statement, "This writes back a value computed from the row's old value with no lock or "
                                       "atomic update: two concurrent requests both read the old value and one "
                                       "update is lost.")

    def _loaded_at(self, name: str, at: cst.CSTNode, loaded: dict[str, list[Binding]], scope: Scope) -> Binding | None:
        binding = scope.binding(name, at)
        return binding if binding is not None and binding in loaded.get(name, ()) else None

    # --- ORM objects: obj.field -= n; obj.save() / commit() --------------------------------------
    def _orm_change(self, statement: cst.CSTNode, loaded: dict[str, list[Binding]], scope: Scope) -> bool:
        if isinstance(statement, cst.AugAssign):
            targets, value = [statement.target], None
        else:
            targets, value = [t.target for t in statement.targets], statement.value
        for target in targets:
            if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)):
                continue
            obj = target.value.value
            binding = self._loaded_at(obj, statement, loaded, scope)
            if binding is None or binding.unpacked or _is_fetched_row(binding.value):
                continue
            if value is not None and not self._from_old_value(value, obj, target.attr.value, scope):
                continue
            if self._saved_after(statement, obj, scope):
                return True
        return False

    def _from_old_value(self, value: cst.BaseExpression, obj: str, attr: str, scope: Scope, depth: int = 0) -> bool:
        def is_old(node: cst.CSTNode) -> bool:
            return attribute_path(node) == f"{obj}.{attr}" if isinstance(node, cst.Attribute) else False
        if _arithmetic_on(value, is_old, scope):
            return True
        if isinstance(value, cst.Name) and depth < 2:
            binding = scope.binding(value.value, value)
            return (binding is not None and not binding.unpacked
                    and self._from_old_value(binding.value, obj, attr, scope, depth + 1))
        return False

    def _saved_after(self, statement: cst.CSTNode, obj: str, scope: Scope) -> bool:
        if in_transaction(statement, scope, self.ctx):
            return True
        for call in scope.calls():
            if not scope.before(statement, call):
                continue
            name = method(call)
            if name == "save" and attribute_path(receiver(call) or cst.Name("_")) == obj:
                return True
            if name in ("commit", "flush") and db_write(call, scope, self.ctx) is not None:
                return True
        return False

    # --- rows: new = row["qty"] - n; execute("UPDATE ... SET qty = %s", (new, ...)) ----------------
    def _row_change(self, statement: cst.CSTNode, loaded: dict[str, list[Binding]], scope: Scope) -> bool:
        def is_old(node: cst.CSTNode) -> bool:
            base = node.value if isinstance(node, (cst.Subscript, cst.Attribute)) else node
            if not isinstance(base, cst.Name):
                return False
            binding = self._loaded_at(base.value, statement, loaded, scope)
            if binding is None or not _is_fetched_row(binding.value):
                return self._is_row_field(base, statement, loaded, scope) if base is node else False
            return binding.unpacked == (base is node)

        if isinstance(statement, cst.AugAssign):
            if not is_old(statement.target):
                return False
            computed = statement.target
        else:
            if len(statement.targets) != 1 or not _arithmetic_on(statement.value, is_old, scope):
                return False
            computed = statement.targets[0].target
        name = attribute_path(computed) if isinstance(computed, cst.Name) else None
        return name is not None and self._written_by_update(name, statement, scope)

    def _is_row_field(self, name: cst.Name, at: cst.CSTNode, loaded: dict[str, list[Binding]], scope: Scope) -> bool:
        """`qty = row["qty"]` or `qty = row.qty`, where `row` came from `fetchone()`."""
        binding = scope.binding(name.value, at)
        if binding is None or binding.unpacked or not isinstance(binding.value, (cst.Subscript, cst.Attribute)):
            return False
        base = binding.value.value
        if not isinstance(base, cst.Name):
            return False
        if binding.at not in scope.index:
            return False
        row = self._loaded_at(base.value, binding.at, loaded, scope)
        return row is not None and not row.unpacked and _is_fetched_row(row.value)

    def _written_by_update(self, name: str, statement: cst.CSTNode, scope: Scope) -> bool:
        for call in scope.calls():
            if method(call) != "execute" or not scope.before(statement, call):
                continue
            sql = positional(call)
            is_update = sql_verb(sql, scope) == "UPDATE" or (
                isinstance(sql, cst.Call) and any(method(c) == "update" for c in scope.calls_within(sql)))
            if is_update and any(isinstance(n, cst.Name) and n.value == name for n in scope.within(call)):
                return True
        return False


def _is_fetched_row(value: cst.BaseExpression) -> bool:
    value = unwrap(value)
    return isinstance(value, cst.Call) and method(value) in _ROW_FETCH


def _arithmetic_on(value: cst.BaseExpression, is_old: Callable[[cst.CSTNode], bool], scope: Scope) -> bool:
    """Some arithmetic in `value` has the old value as an operand (possibly nested: `max(0, old - n)`)."""
    for node in scope.within(value):
        if isinstance(node, cst.BinaryOperation) and any(is_old(n) for n in scope.within(node)):
            return True
    return False
