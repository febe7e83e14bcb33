"""DEP002: a requirement for a package the standard library replaced, or one its maintainers abandoned."""

from __future__ import annotations

import re

from reviewer.checks._base import LineCheck
from reviewer.checks._files import requirement_lines
from reviewer.findings import Confidence, FileKind

# Normalised distribution name -> what to use instead and why. Only packages whose replacement is
# certain on Python 3.9+ (this list is not a taste in libraries): a backport of a module the standard
# library has had for years, or a project its maintainers declared dead.
SUPERSEDED = {
    "pytz": "the standard library's `zoneinfo` (Python 3.9+) does this, without pytz's `localize()` trap",
    "simplejson": "the standard library's `json` does this",
    "mock": "`unittest.mock` has been in the standard library since Python 3.3",
    "six": "it only bridges Python 2 and 3",
    "future": "it only bridges Python 2 and 3",
    "futures": "it backports `concurrent.futures` to Python 2",
    "enum34": "it backports `enum` to Python 2; it breaks installs on Python 3",
    "typing": "it backports `typing`, which the standard library has had since Python 3.5",
    "dataclasses": "it backports `dataclasses`, in the standard library since Python 3.7",
    "pathlib": "it backports `pathlib`, in the standard library since Python 3.4",
    "pathlib2": "it backports `pathlib`, in the standard library since Python 3.4",
    "argparse": "`argparse` has been in the standard library since Python 2.7",
    "unittest2": "it backports `unittest` features the standard library has had since Python 3.4",
    "funcsigs": "it backports `inspect.signature`, in the standard library since Python 3.3",
    "subprocess32": "it backports `subprocess` to Python 2",
    "nose": "it has been unmaintained since 2015 and fails on Python 3.10+",
    "pycrypto": "it has been unmaintained since 2013 with known vulnerabilities (use `cryptography`)",
    "retrying": "it is unmaintained (`tenacity` is its maintained successor)",
    "oauth2client": "Google deprecated it in 2017 (use `google-auth`)",
    "sklearn": "it is a deprecated alias that refuses to install (the package is `scikit-learn`)",
    "uuid": "it is a 2006 Python 2 copy of the standard library's `uuid` module and can shadow it",
    "asyncio": "it is a 2015 backport of `asyncio`, in the standard library since Python 3.4, and can shadow it",
    "aioredis": "it was merged into `redis` (`redis.asyncio`, redis-py 4.2+) and its repository is archived",
}

_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


class SupersededRequirement(LineCheck):
    """A requirement for a package the standard library replaced, or that its maintainers abandoned.

    ## What it does
    Reads requirements files and reports each requirement whose package is on a short list: backports
    of modules the standard library has had since Python 3.7 or earlier (`mock`, `typing`,
    `dataclasses`, `enum34`, `pathlib2`, `asyncio`, `uuid`, ...), packages merged into another (`aioredis` into `redis`), packages the standard library now covers (`pytz` by
    `zoneinfo`, `simplejson` by `json`), Python 2 bridges (`six`, `future`) and packages their
    maintainers abandoned (`nose`, `pycrypto`, `retrying`, `oauth2client`). The message names the
    replacement.

    ## Why is this bad?
    Each dependency is code you ship, patch and audit. One that duplicates the standard library adds
    that cost for nothing, and an abandoned one gets no security fixes and eventually stops installing
    on new Python versions, on the day of an urgent upgrade.

    ## Known limits
    Only the listed packages are known; a package that duplicates another dependency of the project
    (two HTTP clients, two date libraries) is not found. Python code that imports them is not read:
    the requirement is where the dependency is added. A project still on Python 2 would need some of
    them. Requirement files under a tests directory are skipped.
    """

    id = "DEP002"
    confidence = Confidence.medium
    kinds = frozenset({FileKind.requirements})
    EXAMPLE_PATH = "requirements.txt"
    VALID = (
        """
flask==3.0.3
tenacity==8.3.0  # ok: DEP002
python-dateutil==2.9.0.post0  # ok: DEP002
pytest-mock==3.14.0  # ok: DEP002
# pytz is not needed any more: zoneinfo
backports.zoneinfo==0.2.1 ; python_version < "3.9"  # ok: DEP002
""",
    )
    INVALID = (
        """
flask==3.0.3
pytz==2024.1  # expect: DEP002
simplejson==3.19.2  # expect: DEP002
uuid==1.30  # expect: DEP002
""",
        """
Mock>=5  # expect: DEP002
six  # expect: DEP002
retrying==1.3.4 --hash=sha256:345da8c5765bd982b1d1915deb9102fd3d1f7ad16bd84a9700b85f64d24e8f3e  # expect: DEP002
""",
        """
redis==5.0.7
aioredis==2.0.1  # expect: DEP002
asyncio==3.4.3  # expect: DEP002
""",
    )

    def run(self) -> None:
        if self.ctx.is_test:
            return
        for line, requirement in requirement_lines(self.ctx.lines):
            found = _NAME.match(requirement)
            if found is None or requirement.startswith("-"):
                continue
            name = re.sub(r"[-_.]+", "-", found.group(1)).lower()
            reason = SUPERSEDED.get(name)
            if reason is not None:
                self.report_line(line, f"`{found.group(1)}` is a dependency you do not need: {reason}.")
