"""DEP002: an import of a module the standard library removed or deprecated, or of an abandoned package."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path
from reviewer.findings import Confidence

# Top-level module -> why it must not be added. Modules removed from the standard library (Python 3.12 and
# PEP 594's in 3.13) and third-party packages whose maintainers abandoned them. Not packages the standard
# library merely duplicates (`pytz`, `simplejson`): importing those is the requirement's business (see the
# requirements check), and their code keeps working.
ABANDONED = {
    "imp": "`imp` was removed in Python 3.12 (use `importlib`)",
    "distutils": "`distutils` was removed in Python 3.12 (use `setuptools` or `sysconfig`)",
    "asyncore": "`asyncore` was removed in Python 3.12 (use `asyncio`)",
    "asynchat": "`asynchat` was removed in Python 3.12 (use `asyncio`)",
    "smtpd": "`smtpd` was removed in Python 3.12 (use `aiosmtpd`)",
    "cgi": "`cgi` was removed in Python 3.13 (PEP 594; use `email.message` or a framework)",
    "cgitb": "`cgitb` was removed in Python 3.13 (PEP 594)",
    "crypt": "`crypt` was removed in Python 3.13 (PEP 594; use `hashlib.scrypt` or `bcrypt`)",
    "pipes": "`pipes` was removed in Python 3.13 (PEP 594; use `shlex.quote`)",
    "telnetlib": "`telnetlib` was removed in Python 3.13 (PEP 594)",
    "nntplib": "`nntplib` was removed in Python 3.13 (PEP 594)",
    "imghdr": "`imghdr` was removed in Python 3.13 (PEP 594; use `filetype` or Pillow)",
    "sndhdr": "`sndhdr` was removed in Python 3.13 (PEP 594)",
    "uu": "`uu` was removed in Python 3.13 (PEP 594; use `base64`)",
    "xdrlib": "`xdrlib` was removed in Python 3.13 (PEP 594)",
    "audioop": "`audioop` was removed in Python 3.13 (PEP 594)",
    "mailcap": "`mailcap` was removed in Python 3.13 (PEP 594)",
    "retrying": "`retrying` is unmaintained (`tenacity` is its maintained successor)",
    "nose": "`nose` has been unmaintained since 2015 and fails on Python 3.10+ (use `pytest`)",
    "oauth2client": "`oauth2client` was deprecated by Google in 2017 (use `google-auth`)",
}


class AbandonedModuleImport(PythonCheck):
    """An import of a module the standard library removed, or of a package its maintainers abandoned.

    ## What it does
    Reports `import X` and `from X import ...` where X is a standard-library module removed in
    Python 3.12 or 3.13 (`imp`, `distutils`, `asyncore`, `cgi`, `crypt`, `pipes`, `telnetlib`,
    `imghdr`, ... from PEP 594) or an abandoned third-party package (`retrying`, `nose`,
    `oauth2client`). The message names the replacement. An import inside `try:` (a fallback for old
    Pythons) is not reported. Tests are not skipped: `nose` in tests breaks the test run too.

    ## Why is this bad?
    The code stops importing on the Python version that removed the module, usually on the day of an
    urgent runtime or base-image upgrade, and an abandoned package gets no security fixes. The
    replacement exists today.

    ## Known limits
    Only the listed modules are known. Packages the standard library merely duplicates (`pytz`,
    `simplejson`, `mock`) are reported in the requirements file that adds them, not where they are
    imported.
    """

    id = "DEP002"
    confidence = Confidence.medium
    VALID = (
        """
import importlib
import shlex
from tenacity import retry, stop_after_attempt  # ok: DEP002

try:
    import imghdr  # ok: DEP002
except ImportError:
    imghdr = None
""",
    )
    INVALID = (
        """
from retrying import retry  # expect: DEP002
import cgi  # expect: DEP002
from distutils.version import LooseVersion  # expect: DEP002
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._in_try = 0

    def visit_Try(self, node: cst.Try) -> None:
        self._in_try += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        self._in_try -= 1

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._judge(node, attribute_path(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not node.relative and node.module is not None:
            self._judge(node, attribute_path(node.module))

    def _judge(self, node: cst.CSTNode, module: str | None) -> None:
        reason = ABANDONED.get((module or "").split(".")[0])
        if reason is not None and not self._in_try:
            self.report(node, f"{reason}: this import breaks on an upgrade or gets no fixes.")
