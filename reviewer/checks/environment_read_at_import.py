"""MNT002: a required environment variable read when a module is imported, outside its settings module."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, is_main_guard

# Where configuration is read on purpose, once, at start-up: a settings or config module, an entry point.
_CONFIG_MODULE = re.compile(
    r"(^|/)([\w-]*[_-])?(settings|config|conf|configuration|env|environment|constants|wsgi|asgi|manage|__main__|"
    r"gunicorn[\w.]*)\.py$|(^|/)(settings|config|conf)/")


class EnvironmentReadAtImport(PythonCheck):
    """A required environment variable read when a module of application code is imported.

    ## What it does
    Reports `os.environ["NAME"]` evaluated at import time (at module level or in a class body, not in
    a function or under `if __name__ == "__main__":`) in a module that is not a settings or
    configuration module (`settings.py`, `config.py`, `*_settings.py`, a `settings/` or `config/`
    package, `wsgi.py`, `manage.py`, ...). A read inside `try:` (which can supply a default) is not
    reported, and neither are `os.environ.get(...)` and `os.getenv(...)`.

    ## Why is this bad?
    The module cannot be imported without that variable set: a test, a one-off script or a worker
    that imports it for one function fails with a `KeyError` at import, far from the code that needs
    the value, and the value is frozen for the life of the process, so a test cannot change it
    without reloading modules. Read configuration in one settings module (or a settings object
    passed in) and let the code that needs a value ask for it.

    ## Known limits
    Which modules are settings modules is judged by the file name. A module that is only ever
    imported by a service that always has the variable still reads it at import; that is reported.
    Names read through a wrapper (`env("NAME")`, `config("NAME")`) are not followed. Tests are skipped.
    """

    id = "MNT002"
    VALID = (
        """
import os

PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "50"))  # ok: MNT002
REGION = os.getenv("AWS_REGION")  # ok: MNT002
try:
    QUEUE_URL = os.environ["QUEUE_URL"]  # ok: MNT002
except KeyError:
    QUEUE_URL = "http://localhost:9324/queue/default"

def warehouse_url():
    return os.environ["WAREHOUSE_URL"]  # ok: MNT002

if __name__ == "__main__":
    print(os.environ["HOME"])  # ok: MNT002
""",
    )
    INVALID = (
        """
import os
import requests

WAREHOUSE_URL = os.environ["WAREHOUSE_INGEST_URL"]  # expect: MNT002

def push(rows):
    return requests.post(WAREHOUSE_URL, json=rows, timeout=10)
""",
        """
from os import environ

class InsurerClient:
    base_url = environ["INSURER_API_URL"]  # expect: MNT002
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._skipped = ctx.is_test or bool(_CONFIG_MODULE.search(ctx.path.replace("\\", "/")))
        self._guarded = 0  # inside `if __name__ == "__main__":` or `try:`

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node.test):
            self._guarded += 1

    def leave_If(self, original_node: cst.If) -> None:
        if is_main_guard(original_node.test):
            self._guarded -= 1

    def visit_Try(self, node: cst.Try) -> None:
        self._guarded += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        self._guarded -= 1

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._skipped or self._guarded or self.ctx.function_stack:
            return
        if self.ctx.qualify(node.value) == "os.environ":
            self.report(node, "A required environment variable read at import: the module cannot be imported (by a "
                              "test, a script, a worker) without it, and the value is frozen until a restart. Read "
                              "it in the settings module or when it is needed.")
