"""SEC017: `assert` used to validate a request or check a permission."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import findall, is_dependency_call, is_name
from reviewer.checks._security import SecurityCheck

# Names that make an assert an authorization check wherever it is.
_AUTH_NAME = re.compile(
    r"current_user|is_admin|is_staff|is_superuser|is_authenticated|is_authorized|is_owner|has_perms?"
    r"|has_permissions?|has_role|has_scope|user_can[a-z_]*|check_permissions?")
# Names that do so only next to a user: `role` and `owner` also name protocol roles and tree owners.
_WEAK_AUTH_NAME = re.compile(r"permissions?|perms|(min_|required_|user_)?roles?(_name|_rank|_level)?|owner|owner_id"
                             r"|authorized|authenticated|scopes?|can_[a-z_]+")
# ... and the names a user goes by, in handlers and in the decorators that guard them (a token's `claims`).
_USER_NAME = re.compile(r"user|current_user|account|member|principal|identity|actor|request|g|claims")


def _is_dependency(fn: cst.FunctionDef | None) -> bool:
    """A FastAPI dependency: it takes other dependencies (`claims = Depends(current_claims)`), so it runs for the
    requests of every route that depends on it."""
    if fn is None:
        return False
    return any(is_dependency_call(p.default) for p in (*fn.params.params, *fn.params.kwonly_params))


class AssertForValidation(SecurityCheck):
    """`assert` used to validate a request or check a permission.

    ## What it does
    Reports every `assert` inside a request handler (a routed function, a Django view, a view class
    method) or a FastAPI dependency (a function that takes `Depends(...)` parameters), and, anywhere else outside tests, an `assert` whose condition names a permission or identity:
    `current_user`, `is_admin`, `is_staff`, `has_perm`, `has_role`, or `request` in a web app module; or
    `role`, `owner`, `permissions`, `scopes`, `can_edit` next to a user (`user`, `account`, `member` ...), also
    as a key read from a mapping (`claims.get("roles")`, `token["scope"]`).
    Outside handlers, an `assert isinstance(...)` states a type and is not reported.

    ## Why is this bad?
    Python removes `assert` statements when run with `-O` (or `PYTHONOPTIMIZE`), which some images and
    deployments set: the check disappears and every request passes. Even when kept, a failed assert is
    an `AssertionError` and a 500, not a 400/403. Raise the framework's error (`abort(403)`,
    `PermissionDenied`, `HTTPException(status_code=400)`) or validate with a schema.

    ## Known limits
    Asserts in helper functions that validate request data under other names are not found. An assert in
    a handler used only to narrow a type for the type checker is reported too. Test files are skipped.
    """

    id = "SEC017"
    VALID = (
        """
from flask import Flask, abort, request
from flask_login import current_user

app = Flask(__name__)

@app.post("/projects/<int:project_id>/delete")
def delete_project(project_id):
    if not current_user.is_admin:  # ok: SEC017
        abort(403)
    return {"deleted": project_id}

def chunk(items, size):
    assert size > 0, "size must be positive"  # ok: SEC017
    return [items[i:i + size] for i in range(0, len(items), size)]

def start_server(connection):
    assert connection.our_role == "server"  # ok: SEC017
    return connection
""",
        # A FastAPI dependency runs for every request of the routes that use it.
        """
from fastapi import Depends

def require_staff(claims: dict = Depends(current_claims), session=Depends(get_session)):
    assert claims.get("kind") == "staff", "staff token required"  # expect: SEC017
    return session.get(StaffMember, int(claims["sub"]))
""",
        # A key that names no permission, read from a parsed config next to no user.
        """
def load_limits(config):
    assert config.get("max_rows", 0) > 0, "max_rows must be positive"  # ok: SEC017
    return config["max_rows"]
""",
    )
    INVALID = (
        # The role is a key of the token's claims, in the decorator that guards the views.
        """
import functools

import jwt

def staff_only(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        claims = jwt.decode(bearer_token(), SECRET, algorithms=["HS256"])
        assert "staff" in claims.get("roles", []), "staff only"  # expect: SEC017
        return view(*args, **kwargs)
    return wrapper
""",
        """
from fastapi import FastAPI, Request

app = FastAPI()

@app.post("/transfers")
async def create_transfer(request: Request):
    body = await request.json()
    assert body["amount"] > 0, "amount must be positive"  # expect: SEC017
    return {"ok": True}
""",
        """
from app.models import Document

def delete_document(user, document_id):
    document = Document.get(document_id)
    assert document.owner_id == user.id or user.is_admin  # expect: SEC017
    document.delete()
""",
        """
from django.http import JsonResponse

def approve_refund(request, refund_id):
    assert request.user.has_perm("payments.approve_refund")  # expect: SEC017
    return JsonResponse({"approved": refund_id})
""",
        # The role check of a decorator that guards staff views, on the token's claims.
        """
import functools
import jwt

def staff_required(min_role):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            claims = jwt.decode(bearer_token(), SECRET, algorithms=["HS256"])
            assert ROLE_RANK.get(claims.get("role"), 0) >= ROLE_RANK[min_role], "insufficient role"  # expect: SEC017
            return view(*args, **kwargs)
        return wrapper
    return decorate
""",
    )

    def visit_Assert(self, node: cst.Assert) -> None:
        if self.ctx.is_test:
            return
        if self.ctx.in_handler or _is_dependency(self.ctx.function):
            self.report(node, "`assert` validates a request: Python drops asserts under `-O`, so the check "
                              "disappears and bad requests go through.")
            return
        if isinstance(node.test, cst.Call) and is_name(node.test.func, "isinstance"):
            return  # `assert isinstance(request, Request)` states a type, it does not check a permission
        names = [found.value if isinstance(found, cst.Name) else found.attr.value
                 for found in findall(node.test, (cst.Name, cst.Attribute)) if isinstance(found, (cst.Name, cst.Attribute))]
        # Keys read from a mapping count as names: `claims.get("roles", [])`, `token["scope"]`.
        names += [key for key in _mapping_keys(node.test) if key.isidentifier()]
        with_user = any(_USER_NAME.fullmatch(name) for name in names)
        for name in names:
            if (_AUTH_NAME.fullmatch(name) or (name == "request" and self.ctx.is_web_app)
                    or (with_user and _WEAK_AUTH_NAME.fullmatch(name.lower()))):
                self.report(node, f"`assert` checks `{name}`: Python drops asserts under `-O`, so this "
                                  "permission check disappears and everyone passes.")
                return


def _mapping_keys(test: cst.BaseExpression) -> list[str]:
    """The string keys the test reads from a mapping: `claims.get("roles")`, `token["scope"]`."""
    keys = []
    for node in findall(test, (cst.Call, cst.Subscript)):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
            first = node.args[0].value if node.args else None
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            first = node.slice[0].slice.value
        else:
            continue
        if isinstance(first, cst.SimpleString) and isinstance(first.evaluated_value, str):
            keys.append(first.evaluated_value)
    return keys
