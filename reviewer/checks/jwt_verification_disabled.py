"""SEC008: a JWT decoded without checking its signature, or with the `none` algorithm allowed."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import findall, has_star_kwargs, is_name, keyword
from reviewer.checks._security import SecurityCheck, call_name, expr_name, is_false, string_value
from reviewer.findings import Confidence

_DECODERS = frozenset({"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode", "jwt.PyJWT().decode",
                       "jose.jwt.decode"})
_JOSE = frozenset({"jose.jwt.decode"})


def _is_decode_call(node: cst.CSTNode) -> bool:
    """`jwt.decode(...)`, `x.decode_complete(...)` or `decode(...)`."""
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    return is_name(func, "decode") or (isinstance(func, cst.Attribute) and func.attr.value in ("decode",
                                                                                              "decode_complete"))


class JwtVerificationDisabled(SecurityCheck):
    """A JWT decoded without checking its signature, or with the `none` algorithm allowed.

    ## What it does
    Reports PyJWT and python-jose `jwt.decode` (and PyJWT `decode_complete`) calls that pass
    `verify=False`, `options={"verify_signature": False}` (also `dict(verify_signature=False)`), an
    `algorithms` list containing `"none"`, or algorithms taken from the token's own header
    (`algorithms=[header["alg"]]`, `[header.get("alg", "HS256")]`), a module-level list of algorithms
    included; and python-jose `jwt.decode` without `algorithms=`, which accepts whatever algorithm the token
    names.

    An unverified decode in a function that also verifies the token with another `jwt.decode` call (read
    the `kid`/`iss` first, then verify) is a near-miss and is not reported.

    ## Why is this bad?
    Without the signature check a token is just base64 that anyone can write: `{"sub": "admin"}` logs
    in as admin. Allowing `none` or the token's own `alg` lets an attacker pick an unsigned token or
    an HMAC signed with the public key (algorithm confusion). Always pass the key and a fixed
    `algorithms=[...]` list.

    ## Known limits
    Options passed as a variable or `**kwargs` are not followed. Turning off only expiry or audience
    checks (`verify_exp`, `verify_aud`) is not reported. Outside web app modules (API clients reading their
    own token's expiry) findings have medium confidence. PyJWT 2 without `algorithms=` raises instead of
    accepting any algorithm, so it is not reported. Test files are skipped.
    """

    id = "SEC008"
    VALID = (
        """
import jwt
from fastapi import Depends, FastAPI, Header

app = FastAPI()
PUBLIC_KEY = open("/etc/keys/jwt.pub").read()

def current_user(authorization: str = Header(...)):
    token = authorization.removeprefix("Bearer ")
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="orders")  # ok: SEC008
""",
        """
import jwt
from flask import Flask

app = Flask(__name__)

def verify_with_issuer_key(token, keys):
    unverified = jwt.decode(token, options={"verify_signature": False})  # ok: SEC008
    key = keys[unverified["iss"]]
    return jwt.decode(token, key, algorithms=["ES256"])
""",
        """
from jose import jwt

def decode_session(token, secret):
    return jwt.decode(token, secret, algorithms=["HS256"])  # ok: SEC008
""",
    )
    INVALID = (
        """
import jwt
from flask import Flask, request

app = Flask(__name__)

@app.get("/me")
def me():
    token = request.headers["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    return {"user": claims["sub"]}
""",
        """
import jwt
from django.conf import settings

def user_id_from(token):
    payload = jwt.decode(token, settings.SECRET_KEY, verify=False)  # expect: SEC008
    return payload["user_id"]

ALGORITHMS = ["HS256", "none"]

def claims_any_alg(token, key):
    return jwt.decode(token, key, algorithms=ALGORITHMS)  # expect: SEC008
""",
        """
from jose import jwt
from fastapi import FastAPI

app = FastAPI()

def decode(token, key):
    header = jwt.get_unverified_header(token)
    loose = jwt.decode(token, key)  # expect: SEC008
    return jwt.decode(token, key, algorithms=[header["alg"]]), loose  # expect: SEC008

def decode_default(token, key):
    header = jwt.get_unverified_header(token)
    return jwt.decode(token, key, algorithms=[header.get("alg", "HS256")])  # expect: SEC008
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._verifying_functions: dict[cst.FunctionDef, bool] = {}
        self._module_values: dict[str, cst.BaseExpression] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        # `JWT_ALGORITHMS = ["HS256", "none"]` at module level, used as `algorithms=JWT_ALGORITHMS`.
        if not self.ctx.function_stack and not self.ctx.class_stack:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._module_values[target.target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or call_name(node) not in ("decode", "decode_complete"):
            return
        qualified = self.ctx.qualify(node.func)
        if qualified not in _DECODERS:
            return
        problem = _problem(node, qualified, self._module_values)
        if problem is None:
            return
        if problem == "signature" and self._function_also_verifies():
            return
        text = {
            "signature": "decodes the token without checking its signature: anyone can forge its claims",
            "none": "accepts the `none` algorithm: an unsigned token with any claims is accepted",
            "header": "takes the algorithm from the token itself: an attacker picks how it is checked",
            "any": "is called without `algorithms=`: python-jose accepts whatever algorithm the token names",
        }[problem]
        confidence = None if self.ctx.is_web_app else Confidence.medium
        self.report(node, f"`jwt.decode` {text}.", confidence=confidence)

    def _function_also_verifies(self) -> bool:
        """Whether the function decodes the token again with verification on (two-step key selection)."""
        fn = self.ctx.function
        if fn is None:
            return False
        if fn not in self._verifying_functions:
            verifying = False
            for call in findall(fn.body, _is_decode_call):
                if (isinstance(call, cst.Call) and self.ctx.qualify(call.func) in _DECODERS
                        and _problem(call, self.ctx.qualify(call.func) or "", self._module_values) is None):
                    verifying = True
                    break
            self._verifying_functions[fn] = verifying
        return self._verifying_functions[fn]


def _problem(call: cst.Call, qualified: str, module_values: dict[str, cst.BaseExpression]) -> str | None:
    verify = keyword(call, "verify")
    if verify is not None and is_false(verify.value):
        return "signature"
    options = keyword(call, "options")
    if options is not None and _disables_signature(options.value):
        return "signature"
    algorithms = keyword(call, "algorithms")
    if algorithms is not None:
        listed = algorithms.value
        if isinstance(listed, cst.Name) and listed.value in module_values:
            listed = module_values[listed.value]
        values = [el.value for el in listed.elements] if isinstance(listed, (cst.List, cst.Tuple, cst.Set)) \
            else [listed]
        for value in values:
            text = string_value(value)
            if text is not None and text.lower() == "none":
                return "none"
            if isinstance(value, cst.Subscript) and expr_name(value) == "alg":
                return "header"
            if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "get"
                    and value.args and string_value(value.args[0].value) == "alg"):
                return "header"  # `header.get("alg", "HS256")`: the token still picks
        return None
    positional = [arg for arg in call.args if arg.keyword is None and arg.star == ""]
    if qualified in _JOSE and not has_star_kwargs(call) and len(positional) < 3:
        return "any"
    return None


def _disables_signature(options: cst.BaseExpression) -> bool:
    if isinstance(options, cst.Dict):
        return any(isinstance(el, cst.DictElement) and string_value(el.key) == "verify_signature"
                   and is_false(el.value) for el in options.elements)
    if isinstance(options, cst.Call) and isinstance(options.func, cst.Name) and options.func.value == "dict":
        arg = keyword(options, "verify_signature")
        return arg is not None and is_false(arg.value)
    return False
