"""SEC012: a session or auth cookie set without `secure` or `httponly`."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import has_star_kwargs, keyword
from reviewer.checks._security import (
    SecurityCheck, call_name, expr_name, first_arg, identifier_words, is_false, string_value,
)
from reviewer.checks.debug_mode_enabled import off_when_unset

_SET_COOKIE = frozenset({"set_cookie", "set_signed_cookie"})
# Cookies that authenticate their holder.
_AUTH_COOKIE_WORDS = frozenset({"session", "sess", "sid", "sessionid", "auth", "token", "jwt", "access", "refresh",
                                "remember", "login", "identity", "credentials", "apikey", "bearer"})
# A CSRF cookie must be readable by the page's JavaScript: httponly does not apply.
_CSRF_WORDS = frozenset({"csrf", "xsrf", "csrftoken"})
_COOKIE_SETTINGS = frozenset({"SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
                              "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY", "JWT_COOKIE_SECURE"})
_DEV_FILE = re.compile(r"(^|/)[^/]*(dev|develop|development|local|test|testing|ci|example)[^/]*\.py$")
_DEV_CLASS = re.compile(r"(dev|local|test|debug)", re.IGNORECASE)


def _is_auth_cookie(expr: cst.BaseExpression | None) -> bool:
    if expr is None:
        return False
    name = string_value(expr) or expr_name(expr)
    if not name:
        return False
    words = set(identifier_words(name))
    return bool(words & _AUTH_COOKIE_WORDS) and not words & _CSRF_WORDS


class InsecureCookie(SecurityCheck):
    """A session or auth cookie set without `secure=True` or `httponly=True`.

    ## What it does
    Reports `set_cookie(...)` / `set_signed_cookie(...)` (Flask, Django, Starlette/FastAPI) for a cookie
    whose name or value looks like a session, auth or token (`session`, `sessionid`, `access_token`,
    `jwt`, `remember_token` ...) when `secure=True` or `httponly=True` is missing or False; and
    `SESSION_COOKIE_SECURE`, `SESSION_COOKIE_HTTPONLY`, `CSRF_COOKIE_SECURE`, `REMEMBER_COOKIE_SECURE`,
    `REMEMBER_COOKIE_HTTPONLY` or `JWT_COOKIE_SECURE` set to False (as a setting, in `app.config[...]` or
    `app.config.update(...)`), or read from the environment so that it is off when the variable is not set
    (`os.environ.get("SESSION_COOKIE_SECURE", "false").lower() == "true"`). CSRF cookies are not required to be
    `httponly`.

    ## Why is this bad?
    All these frameworks default to neither flag. Without `secure` the browser also sends the cookie over
    plain HTTP, where anyone on the network reads it and takes over the session. Without `httponly`
    any injected script reads it with `document.cookie`, turning one XSS bug into stolen accounts.

    ## Known limits
    Cookies with names that do not say what they hold are not judged. Flags given as variables or via
    `**kwargs` are trusted. Settings in modules or classes named dev, local or test are skipped, as are
    test files.
    """

    id = "SEC012"
    VALID = (
        """
from flask import Flask, make_response

app = Flask(__name__)

@app.post("/login")
def login():
    response = make_response({"ok": True})
    response.set_cookie("session_id", "abc", secure=True, httponly=True, samesite="Lax")  # ok: SEC012
    response.set_cookie("theme", "dark")  # ok: SEC012
    response.set_cookie("csrftoken", "t0k", secure=True)  # ok: SEC012
    return response
""",
        """
from fastapi import FastAPI, Response
from app.config import settings

app = FastAPI()

@app.post("/token")
def issue(response: Response, access_token: str):
    response.set_cookie(key="access_token", value=access_token, httponly=True,
                        secure=settings.COOKIE_SECURE)  # ok: SEC012
    return {"ok": True}
""",
        """
import os

class DevelopmentConfig:
    SESSION_COOKIE_SECURE = False  # ok: SEC012

class ProductionConfig:
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "true").lower() == "true"  # ok: SEC012
""",
    )
    INVALID = (
        """
from fastapi import FastAPI, Response

app = FastAPI()

@app.post("/login")
def login(response: Response, token: str):
    response.set_cookie(key="access_token", value=f"Bearer {token}", httponly=True)  # expect: SEC012
    return {"ok": True}
""",
        """
from django.http import JsonResponse

def login_view(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("sessionid", request.session.session_key, secure=False, httponly=True)  # expect: SEC012
    response.set_signed_cookie("remember_me", request.user.pk)  # expect: SEC012
    return response
""",
        """
import os

SESSION_COOKIE_SECURE = False  # expect: SEC012
CSRF_COOKIE_SECURE = os.environ.get("CSRF_COOKIE_SECURE", "false").lower() == "true"  # expect: SEC012
SESSION_COOKIE_HTTPONLY = False  # expect: SEC012
CSRF_COOKIE_SECURE = False  # expect: SEC012
""",
        """
from flask import Flask

app = Flask(__name__)
app.config.update(SESSION_COOKIE_SECURE=False, SESSION_COOKIE_SAMESITE="Lax")  # expect: SEC012
app.config["REMEMBER_COOKIE_HTTPONLY"] = False  # expect: SEC012
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._dev_module = bool(_DEV_FILE.search(ctx.path.replace("\\", "/")))

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        name = call_name(node)
        if name in _SET_COOKIE and isinstance(node.func, cst.Attribute):
            self._judge_set_cookie(node)
        elif name in ("update", "from_mapping") and not self._in_dev_config():
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value in _COOKIE_SETTINGS and is_false(arg.value):
                    self._report_setting(node, arg.keyword.value)
                    return

    def visit_Assign(self, node: cst.Assign) -> None:
        # `SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "false").lower() == "true"`: off unless
        # someone remembers to set it, as `DEBUG` read the same way is on unless someone turns it off.
        if self.ctx.is_test or not (is_false(node.value) or off_when_unset(node.value, self.ctx)) \
                or self._in_dev_config():
            return
        for target in node.targets:
            t = target.target
            name = t.value if isinstance(t, cst.Name) else expr_name(t) if isinstance(t, cst.Subscript) else None
            if name in _COOKIE_SETTINGS:
                self._report_setting(node, name)
                return

    def _judge_set_cookie(self, node: cst.Call) -> None:
        cookie = first_arg(node, "key")
        value = first_arg(node, "value", position=1)
        if not (_is_auth_cookie(cookie) or _is_auth_cookie(value)) or has_star_kwargs(node):
            return
        missing = []
        for flag in ("secure", "httponly"):
            arg = keyword(node, flag)
            if arg is None or is_false(arg.value):
                missing.append(flag)
        if not missing:
            return
        label = (string_value(cookie) or expr_name(cookie) if cookie is not None else None) or "the cookie"
        self.report(node, f"Cookie `{label}` is set without {' and '.join(f'`{f}=True`' for f in missing)}: "
                          + ("it travels over plain HTTP" if "secure" in missing else "scripts on the page can read it")
                          + ", so the session it carries can be stolen.")

    def _report_setting(self, node: cst.CSTNode, name: str) -> None:
        effect = "sent over plain HTTP" if name.endswith("SECURE") else "readable by any script on the page"
        value = ("False" if not isinstance(node, cst.Assign) or is_false(node.value)
                 else "False unless the environment sets it")
        self.report(node, f"`{name} = {value}` makes the cookie {effect}: the session it carries can be stolen.")

    def _in_dev_config(self) -> bool:
        return self._dev_module or any(_DEV_CLASS.search(c.name.value) for c in self.ctx.class_stack)
