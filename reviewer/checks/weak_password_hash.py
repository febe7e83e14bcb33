"""SEC009: a password hashed with a fast digest (md5, sha1, sha256 ...) instead of a password hash."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import argument_for, findall, is_literal
from reviewer.checks._security import SecurityCheck, call_name, expr_name, first_arg, identifier_words

_FAST_DIGESTS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256",
                           "sha3_384", "sha3_512", "blake2b", "blake2s", "new"})
# A PIN or passcode is a short password: a fast digest of one is cracked even faster.
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "passw", "pin", "passcode"})
# Hashing a reset token, a password-reset link or a file is right: those are not passwords.
_NOT_PASSWORD_WORDS = frozenset({"token", "reset", "link", "code", "otp", "url", "file", "path", "hash", "hashed",
                                 "digest", "length", "policy", "field"})
# Function names that handle a password's hash: hash_password, check_password, set_password ...
_PASSWORD_VERBS = frozenset({"hash", "check", "verify", "set", "make", "encrypt", "encode", "digest", "store",
                             "compare", "validate", "salt", "hashed"})

_CALL_NAMES = _FAST_DIGESTS | {"update"}
_NAMED = (cst.Name, cst.Attribute, cst.Subscript, cst.Call)


def _is_password_value(name: str | None) -> bool:
    """`password`, `user.password`, `form["new_password"]`, `pw`: the name ends in a password word."""
    if not name:
        return False
    words = identifier_words(name)
    if name.lower() == "pw":
        return True
    return bool(words) and words[-1] in _PASSWORD_WORDS and not any(w in _NOT_PASSWORD_WORDS for w in words)


def _is_password_store(name: str | None) -> bool:
    """`password_hash`, `hashed_password`, `user.password`: where a password's hash is kept."""
    if not name:
        return False
    words = identifier_words(name)
    return any(w in _PASSWORD_WORDS for w in words) and not any(
        w in ("token", "reset", "link", "code", "otp", "url", "file", "path") for w in words)


class WeakPasswordHash(SecurityCheck):
    """A password hashed with a fast digest (md5, sha1, sha256 ...) instead of a password hash.

    ## What it does
    Reports `hashlib` digests (`md5`, `sha1`, `sha224`...`sha512`, `sha3_*`, `blake2*`, `hashlib.new(...)`),
    including `.update(...)` on one, when what is hashed is named like a password (`password`,
    `user.password`, `form["new_password"]`, `pwd`, `pw`, `pin`, `passcode`), when the result is stored
    under a password name (`password_hash = ...`, `user.password = ...`), or when the digest is taken inside
    a function
    that hashes or checks passwords (`hash_password`, `check_password`, `set_password`).

    ## Why is this bad?
    These digests are built to be fast: one GPU tries billions of sha256 guesses a second, so a leaked
    table of md5/sha hashes (salted or not) gives up most passwords within days, and unsalted ones fall
    to precomputed tables at once. Password hashes (`argon2`, `bcrypt`, `scrypt`,
    `hashlib.pbkdf2_hmac` with a high iteration count, Django's and passlib's hashers) are slow and
    salted on purpose.

    ## Known limits
    A password held in a variable with another name (`secret`, `data`) is not found, unless it is the parameter
    of a function of the module that is called with a password there (`_hash(secret)` called as
    `_hash(password)`). Hashing tokens,
    reset codes and files is correct and is not reported. The iteration count of `pbkdf2_hmac` is not
    judged. Test files are skipped.
    """

    id = "SEC009"
    VALID = (
        """
import hashlib
import os

def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)  # ok: SEC009
    return salt.hex() + ":" + digest.hex()
""",
        """
import hashlib
import secrets

def issue_reset_token(user):
    token = secrets.token_urlsafe(32)
    user.password_reset_token_hash = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
    return token
""",
        """
import hashlib

def file_checksum(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            h.update(chunk)  # ok: SEC009
    return h.hexdigest()
""",
    )
    INVALID = (
        # The helper's parameter is called `secret`; the login passes it the password.
        """
import hashlib

def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()  # expect: SEC009

def login(user, password):
    return user.password_hash == _digest(password)
""",
        """
import hashlib
from flask import Flask, request
from app.db import db, User

app = Flask(__name__)

@app.post("/signup")
def signup():
    form = request.get_json()
    user = User(email=form["email"], password_hash=hashlib.md5(form["password"].encode()).hexdigest())  # expect: SEC009
    db.session.add(user)
    db.session.commit()
    return {"id": user.id}
""",
        """
import hashlib
import os

def hash_password(raw: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    return salt.hex() + hashlib.sha256(salt + raw.encode()).hexdigest()  # expect: SEC009
""",
        """
from hashlib import sha1

def set_password(user, new_password):
    h = sha1()
    h.update(new_password.encode("utf-8"))  # expect: SEC009
    user.password = h.hexdigest()
""",
        """
import hashlib

def check_pin(conn, member_id, pin):
    row = conn.execute("SELECT pin_hash FROM members WHERE id = ?", (member_id,)).fetchone()
    return row is not None and row[0] == hashlib.sha1(pin.encode()).hexdigest()  # expect: SEC009
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._reported: set[int] = set()
        self._module: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or call_name(node) not in _CALL_NAMES:
            return
        qualified = self.ctx.qualify(node.func) or ""
        if _digest_name(qualified) is None:
            return
        data = first_arg(node, "data", position=1 if qualified == "hashlib.new" else 0)
        if qualified.endswith(".update"):
            data = first_arg(node)
        if data is None or is_literal(data):
            return
        names = (expr_name(n) for n in findall(data, _NAMED))
        if (any(_is_password_value(name) for name in names) or self._in_password_function()
                or self._given_passwords(data)):
            self._report(node, qualified)

    def _given_passwords(self, data: cst.BaseExpression) -> bool:
        """The digest is of a parameter of a module-level function that this module calls with a password in
        that place (`def _hash(secret): ...sha256(secret...)`, then `_hash(password)`)."""
        fn = self.ctx.function
        if fn is None or self._module is None or not any(statement is fn for statement in self._module.body):
            return False
        params = [p.name.value for p in fn.params.params]
        used = {n.value for n in findall(data, cst.Name) if isinstance(n, cst.Name)} & set(params)
        if not used:
            return False
        for call in findall(self._module, cst.Call):
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == fn.name.value):
                continue
            for param in used:
                given = argument_for(call, fn, param)
                if given is not None and any(_is_password_value(expr_name(n)) for n in findall(given, _NAMED)):
                    return True
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.is_test or not any(_is_password_store(expr_name(t.target)) for t in node.targets):
            return
        self._report_digests_in(node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        # `User(password_hash=hashlib.md5(...).hexdigest())`
        if not self.ctx.is_test and node.keyword is not None and _is_password_store(node.keyword.value):
            self._report_digests_in(node.value)

    def _report_digests_in(self, value: cst.BaseExpression) -> None:
        for call in findall(value, lambda node: isinstance(node, cst.Call) and isinstance(node.func, (cst.Attribute, cst.Name))):
            if isinstance(call, cst.Call) and call_name(call) in _FAST_DIGESTS:
                qualified = self.ctx.qualify(call.func) or ""
                if _digest_name(qualified) is not None and call.args:
                    self._report(call, qualified)

    def _in_password_function(self) -> bool:
        fn = self.ctx.function
        if fn is None:
            return False
        words = identifier_words(fn.name.value)
        return (any(w in _PASSWORD_WORDS for w in words) and any(w in _PASSWORD_VERBS for w in words)
                and not any(w in ("reset", "token") for w in words))

    def _report(self, node: cst.Call, qualified: str) -> None:
        if id(node) in self._reported:
            return
        self._reported.add(id(node))
        name = _digest_name(qualified)
        self.report(node, f"A password is hashed with `{name}`, a fast digest: a leaked hash is cracked by "
                          "brute force at billions of guesses a second.")


def _digest_name(qualified: str) -> str | None:
    """`hashlib.sha256` and `hashlib.sha256().update` -> "sha256"; anything else -> None."""
    parts = qualified.replace("()", "").split(".")
    if len(parts) >= 2 and parts[0] == "hashlib" and parts[1] in _FAST_DIGESTS:
        return "hashlib.new" if parts[1] == "new" else parts[1]
    return None
