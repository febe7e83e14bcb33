"""DEP002: code that imports a package the standard library replaced, or one its maintainers abandoned."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path
from reviewer.checks.superseded_requirement import SUPERSEDED

# Import names of the superseded distributions, where the import is the distribution and not a module of the
# standard library of the same name (`typing`, `dataclasses`, `pathlib` and `argparse` are imported from the
# standard library; `Crypto` is also pycryptodome's).
_IMPORTED = {"pytz": "pytz", "simplejson": "simplejson", "mock": "mock", "six": "six", "pathlib2": "pathlib2",
             "unittest2": "unittest2", "funcsigs": "funcsigs", "subprocess32": "subprocess32",
             "retrying": "retrying", "oauth2client": "oauth2client", "nose": "nose"}


class SupersededImport(PythonCheck):
    """An import of a package that the standard library replaced or whose maintainers abandoned it.

    ## What it does
    Reports, once per module and package, `import pytz`, `import simplejson as json`, `import mock`,
    `import six`, `from retrying import retry`, `from oauth2client import ...` and the other packages of
    `SupersededRequirement` (DEP002) whose import name is their own (not `typing` or `dataclasses`, which are
    imported from the standard library). Tests are skipped.

    ## Why is this bad?
    A dependency the standard library already covers is one more package to install, pin, audit and update,
    for nothing; an abandoned one receives no security fixes and breaks on new Python versions. The import
    line is where the code changes: `zoneinfo` for `pytz`, `json` for `simplejson`, `unittest.mock` for
    `mock`, `tenacity` for `retrying`.

    ## Known limits
    A requirements file listing the same package is reported there too (the line to remove it from).
    Imports inside `try: ... except ImportError:` fallbacks are reported like any other.
    """

    id = "DEP002"
    VALID = (
        """
import json
from unittest import mock  # ok: DEP002
from zoneinfo import ZoneInfo

def local_time(ts, tz):
    return ts.astimezone(ZoneInfo(tz))
""",
    )
    INVALID = (
        """
from datetime import datetime

import pytz  # expect: DEP002
import simplejson as json  # expect: DEP002
from retrying import retry  # expect: DEP002

def local_time(ts, tz):
    return pytz.timezone(tz).localize(ts)
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._seen: set[str] = set()

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._judge(node, attribute_path(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not node.relative and node.module is not None:
            self._judge(node, attribute_path(node.module) or "")

    def _judge(self, node: cst.CSTNode, module: str) -> None:
        package = _IMPORTED.get(module.split(".")[0])
        if package is None or package in self._seen or self.ctx.is_test:
            return
        self._seen.add(package)
        self.report(node, f"`{package}` is imported, and {SUPERSEDED[package]}: drop the dependency.")
