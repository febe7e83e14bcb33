"""SEC006: debug mode switched on in code that gets deployed."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, is_main_guard, is_name, keyword
from reviewer.checks._security import SecurityCheck, call_name, expr_name, is_true, string_value

# Modules that hold a deployable configuration.
_SETTINGS_PATH = re.compile(r"(^|/)((settings|config|conf|configuration)(/[^/]+)?|[^/]*_settings|settings_[^/]*)\.py$")
# Settings meant for a developer's machine or CI, where debug is the point.
_DEV_FILE = re.compile(r"(^|/)[^/]*(dev|develop|development|local|test|testing|ci|debug|example|sample)[^/]*\.py$")
_APP_FACTORIES = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart", "sanic.Sanic",
                            "litestar.Litestar"})
_CONFIG_SETTERS = frozenset({"update", "from_mapping"})
_ON_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})


class DebugModeEnabled(SecurityCheck):
    """Debug mode switched on in code that gets deployed.

    ## What it does
    Reports a module-level `DEBUG = True` in a settings/config module (not a dev, local, test or example
    one) or in a web app module; `DEBUG = True` in a class whose name says production, or in the base
    `Config`/`BaseConfig` class of a settings module that has no production class; and, in web app
    modules, `app.run(debug=True)`, `app.run(use_debugger=True)`, `run_simple(..., use_debugger=True)`,
    `app.debug = True`, `app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)` and
    `FastAPI(debug=True)` / `Starlette(debug=True)`; and `debug: bool = True` in a pydantic-settings
    `BaseSettings` class. A value read from the environment that is on when the
    variable is not set counts as `True` (`os.environ.get("FLASK_DEBUG", "1") == "1"`,
    `env.bool("DEBUG", default=True)`, a project's own reader `_setting("FLASK_DEBUG", "1") == "1"` or
    `_env_bool("DEBUG", default=True)`): a
    deployment that forgets the variable runs in debug mode.

    ## Why is this bad?
    The Werkzeug debugger runs Python typed into the error page, so with `debug=True` anyone who can
    trigger an exception can run code on the server. Django and Starlette debug pages show settings,
    environment variables, SQL and source code to every visitor. Debug mode also disables caching and
    leaks memory on purpose (Django keeps every query). Drive it from the environment, defaulting to off.

    ## Known limits
    An `app.run(debug=True)` inside `if __name__ == "__main__":` is a developer's entry point and is
    reported only when it listens beyond localhost (`host="0.0.0.0"`): then anyone who can reach the port
    gets the debugger, and containers often start the app exactly that way. Debug mode is not otherwise
    reported nor is `DEBUG = True` under an `if` or in a settings module whose name says dev, local or
    test. `uvicorn.run(reload=True)` is a development convenience, not a debugger, and is not reported.
    A debug value read from a variable is not followed. Test files are skipped.
    """

    id = "SEC006"
    EXAMPLE_PATH = "mysite/settings.py"
    VALID = (
        """
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    debug: bool = False  # ok: SEC006
""",
        """
import os
from flask import Flask

def create_app():
    app = Flask(__name__)
    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG", "0") == "1"  # ok: SEC006
    app.config.update(DEBUG=os.getenv("FLASK_DEBUG", "false").lower() in ("1", "true"))  # ok: SEC006
    return app
""",
        """
import os

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"  # ok: SEC006
ALLOWED_HOSTS = ["shop.example.com"]
""",
        """
from flask import Flask

app = Flask(__name__)

@app.get("/health")
def health():
    return {"ok": True}

if __name__ == "__main__":
    app.run(debug=True)  # ok: SEC006
""",
        """
import os
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 8000)))  # ok: SEC006
""",
        """
import os

class Config:
    DEBUG = False

class DevelopmentConfig(Config):
    DEBUG = True  # ok: SEC006

class ProductionConfig(Config):
    DEBUG = False  # ok: SEC006
""",
        """
import uvicorn
from fastapi import FastAPI

app = FastAPI(title="orders")  # ok: SEC006

def main():
    uvicorn.run("orders.main:app", host="0.0.0.0", reload=True)  # ok: SEC006
""",
    )
    INVALID = (
        """
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    app_name: str = "auction-house"
    debug: bool = True  # expect: SEC006
""",
        """
import os
from flask import Flask

def create_app():
    app = Flask(__name__)
    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG", "1") == "1"  # expect: SEC006
    app.config["TESTING"] = _env_bool("FLASK_TESTING", default=True)
    app.config["DEBUG"] = _env_bool("FLASK_DEBUG", default=True)  # expect: SEC006
    app.config["DEBUG"] = _env_bool("FLASK_DEBUG", default=False)  # ok: SEC006
    app.config.update(
        TESTING=False,
        DEBUG=os.getenv("FLASK_DEBUG", "True").lower() in ("1", "true"),  # expect: SEC006
    )
    return app
""",
        """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "set-from-env-in-prod"
DEBUG = True  # expect: SEC006
ALLOWED_HOSTS = ["*"]
""",
        """
from flask import Flask

def create_app():
    app = Flask(__name__)
    app.config["DEBUG"] = True  # expect: SEC006
    return app

app = create_app()
app.run(host="0.0.0.0", port=8000, debug=True)  # expect: SEC006
""",
        """
from fastapi import FastAPI

app = FastAPI(title="billing", debug=True)  # expect: SEC006
""",
        """
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, debug=True)  # expect: SEC006
""",
        """
class ProductionConfig:
    SQLALCHEMY_DATABASE_URI = "postgresql:///billing"
    DEBUG = True  # expect: SEC006
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._main_guards = 0
        path = ctx.path.replace("\\", "/")
        self._settings_module = bool(_SETTINGS_PATH.search(path)) and not _DEV_FILE.search(path)
        self._deployed_base = False

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node.test, concatenated=True):
            self._main_guards += 1

    def leave_If(self, original_node: cst.If) -> None:
        if is_main_guard(original_node.test, concatenated=True):
            self._main_guards -= 1

    def visit_Module(self, node: cst.Module) -> None:
        # A base `Config` class is what production runs when no class of the module is named for production.
        self._deployed_base = (self._settings_module and not _DEV_FILE.search(self.ctx.path.replace("\\", "/"))
                               and not any(isinstance(s, cst.ClassDef) and "prod" in s.name.value.lower()
                                           for s in node.body))
        if self.ctx.is_test or not (self._settings_module or self.ctx.is_web_app):
            return
        for statement in node.body:
            self._judge_debug_constant(statement)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.ctx.is_test or not isinstance(node.body, cst.IndentedBlock):
            return
        if "prod" in node.name.value.lower() or (node.name.value in _BASE_CONFIGS and self._deployed_base):
            for statement in node.body.body:
                self._judge_debug_constant(statement)
        elif any((attribute_path(base.value) or "").rsplit(".", 1)[-1] == "BaseSettings" for base in node.bases) \
                and not _DEV_FILE.search(self.ctx.path.replace("\\", "/")):
            # pydantic-settings: `debug: bool = True` is what runs wherever the variable is not set.
            for statement in node.body.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    if (isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
                            and small.target.value.lower() == "debug" and small.value is not None
                            and self._switched_on(small.value)):
                        self.report(small, "`debug` defaults to on in the deployed settings class: every "
                                           "environment that does not set it serves debug error pages.")

    def _judge_debug_constant(self, statement: cst.CSTNode) -> None:
        if not isinstance(statement, cst.SimpleStatementLine):
            return
        for small in statement.body:
            if (isinstance(small, cst.Assign) and self._switched_on(small.value)
                    and any(is_name(t.target, "DEBUG") for t in small.targets)):
                self.report(small, "`DEBUG = True` in deployable settings: error pages show settings, source and "
                                   "SQL to every visitor, and debug-only behaviour runs in production.")

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._applies() or not self._switched_on(node.value):
            return
        for target in node.targets:
            t = target.target
            # `app.debug = True` (`self.debug = True` is some object's own flag), `app.config["DEBUG"] = True`.
            app_flag = (isinstance(t, cst.Attribute) and t.attr.value == "debug" and isinstance(t.value, cst.Name)
                        and t.value.value != "self")
            config_item = isinstance(t, cst.Subscript) and expr_name(t) == "DEBUG" and _is_config(t.value)
            if app_flag or config_item:
                self._report_debug(node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or not self.ctx.is_web_app:
            return
        if self._main_guards and not _listens_on_network(node):
            return  # `app.run(debug=True)` under `if __name__ == "__main__":` on localhost: a developer's run
        name = call_name(node)
        if name in ("run", "run_simple"):
            for flag in ("debug", "use_debugger"):
                arg = keyword(node, flag)
                if arg is not None and self._switched_on(arg.value):
                    self._report_debug(node)
                    return
        if self._main_guards:
            return
        if name in _CONFIG_SETTERS and isinstance(node.func, cst.Attribute) and _is_config(node.func.value):
            arg = keyword(node, "DEBUG")
            if arg is not None and self._switched_on(arg.value):
                self._report_debug(arg)  # the `DEBUG=...` line, the one to change
        elif name in ("FastAPI", "Starlette", "Quart", "Sanic", "Litestar"):
            arg = keyword(node, "debug")
            if arg is not None and self._switched_on(arg.value) and self.ctx.qualify(node.func) in _APP_FACTORIES:
                self._report_debug(node)

    def _switched_on(self, expr: cst.BaseExpression) -> bool:
        """`True`, or a value read from the environment that is on when the variable is not set:
        `os.environ.get("FLASK_DEBUG", "1") == "1"`, `os.getenv("DEBUG", "true").lower() in ("1", "true")`,
        `bool(int(os.getenv("DEBUG", "1")))`, `env.bool("DEBUG", default=True)`."""
        if is_true(expr):
            return True
        if isinstance(expr, cst.Comparison) and len(expr.comparisons) == 1:
            default = env_default(expr.left, self.ctx)
            target = expr.comparisons[0]
            if default is None:
                return False
            if isinstance(target.operator, cst.Equal):
                return isinstance(target.comparator, cst.SimpleString) and string_value(target.comparator) == default
            if isinstance(target.operator, cst.In) and isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)):
                return any(isinstance(el.value, cst.SimpleString) and string_value(el.value) == default
                           for el in target.comparator.elements)
            return False
        if isinstance(expr, cst.Call) and call_name(expr) in ("bool", "int", "strtobool") and expr.args:
            return self._switched_on(expr.args[0].value) or (
                (env_default(expr.args[0].value, self.ctx) or "").lower() in _ON_WORDS)
        if isinstance(expr, cst.Call) and call_name(expr) == "bool" and isinstance(expr.func, cst.Attribute):
            default = keyword(expr, "default")  # django-environ / environs: `env.bool("DEBUG", default=True)`
            return default is not None and is_true(default.value)
        if isinstance(expr, cst.Call) and _ENV_FLAG_READER.search(call_name(expr) or ""):
            # A project's own flag reader: `_env_bool("FERRY_DEBUG", default=True)`.
            positional = [a.value for a in expr.args if a.keyword is None]
            default = keyword(expr, "default")
            value = default.value if default is not None else positional[1] if len(positional) > 1 else None
            return value is not None and is_true(value)
        return False

    def _applies(self) -> bool:
        return not self.ctx.is_test and self._main_guards == 0 and self.ctx.is_web_app

    def _report_debug(self, node: cst.CSTNode) -> None:
        self.report(node, "Debug mode is switched on in code that serves other machines: the interactive debugger "
                          "and detailed error pages let visitors read internals or run code.")


# A project's own reader of an on/off variable: `_env_bool(name, default=True)`, `env_flag(...)`, `bool_env(...)`.
_ENV_FLAG_READER = re.compile(r"^_?(get_)?(env_?(bool|flag)|bool_?(from_?)?env|flag_?(from_?)?env)$", re.IGNORECASE)
# A project's own reader of settings with a default: `_setting("FLASK_DEBUG", "1")`, `get_setting(...)`.
_SETTING_READER = re.compile(r"(^|\.)_?(get_?)?(setting|env|config)s?$")
# Base configuration classes: the values every environment gets unless a subclass overrides them.
_BASE_CONFIGS = frozenset({"Config", "BaseConfig", "DefaultConfig", "AppConfig"})


def env_default(expr: cst.BaseExpression, ctx) -> str | None:
    """The default of `os.environ.get(name, default)` / `os.getenv(name, default)` (or a project's own
    `_setting(name, default)`), through `.lower()` and `.strip()`; None when the expression is not such a read or
    has no literal default."""
    lowered = False
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in (
            "lower", "strip", "casefold"):
        lowered = lowered or expr.func.attr.value != "strip"
        expr = expr.func.value
    if not isinstance(expr, cst.Call) or (ctx.qualify(expr.func) not in ("os.environ.get", "os.getenv")
                                          and not _SETTING_READER.search(attribute_path(expr.func) or "")):
        return None
    positional = [a.value for a in expr.args if a.keyword is None]
    default = positional[1] if len(positional) > 1 else next(
        (a.value for a in expr.args if a.keyword is not None and a.keyword.value == "default"), None)
    value = string_value(default) if isinstance(default, cst.SimpleString) else None
    return value.lower() if value is not None and lowered else value


def off_when_unset(expr: cst.BaseExpression, ctx) -> bool:
    """A flag read from the environment that is off when the variable is not set:
    `os.environ.get("SESSION_COOKIE_SECURE", "false").lower() == "true"`."""
    if not (isinstance(expr, cst.Comparison) and len(expr.comparisons) == 1):
        return False
    default, target = env_default(expr.left, ctx), expr.comparisons[0]
    if default is None:
        return False
    if isinstance(target.operator, cst.Equal) and isinstance(target.comparator, cst.SimpleString):
        return string_value(target.comparator) != default
    if isinstance(target.operator, cst.In) and isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)):
        return all(isinstance(el.value, cst.SimpleString) and string_value(el.value) != default
                   for el in target.comparator.elements)
    return False


def _is_config(expr: cst.BaseExpression) -> bool:
    """`app.config`, `current_app.config`, `config`."""
    return expr_name(expr) == "config"



_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _listens_on_network(call: cst.Call) -> bool:
    """`app.run(host="0.0.0.0", ...)`: the server, and so its debugger, is reachable from other machines."""
    host = keyword(call, "host")
    value = host.value if host is not None else None
    if value is None:
        positional = [a for a in call.args if a.keyword is None and a.star == ""]
        value = positional[0].value if positional and call_name(call) == "run" else None
    return isinstance(value, cst.SimpleString) and (string_value(value) or "") not in _LOCAL_HOSTS
