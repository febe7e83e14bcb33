"""The project modules a file imports, found and read as text: what their functions do that a check needs.

A check sees one file, but some answers are written in the modules it imports: a models module declares which
attributes are relations (DB001), a client module's `send_email` opens an SMTP connection that blocks an event loop
(CON001), a billing module's `charge_period` passes an idempotency key (REL003). These readers use regular
expressions over the neighbour's text, not a parse: the engine also calls them to build a file's cache key (so that
editing a neighbour re-checks the files that import it), and a review served from the cache must not load libcst.
What a regular expression cannot see is not reported.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from pathlib import Path

# `from .mailer import send_email, build as build_message`, `from app.services import (fraud_client, geo)`.
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.MULTILINE)
_MAX_BYTES = 512 * 1024
_MAX_FILES = 40


def from_imports(text: str) -> list[tuple[int, list[str], str, str]]:
    """Each name a `from ... import` binds: (leading dots, module parts, imported name, local name)."""
    found = []
    for dots, module, names in _FROM_IMPORT.findall(text):
        parts = [p for p in module.split(".") if p]
        for item in names.strip("()").replace("\n", " ").split(","):
            words = item.split()
            if not words or words[0] == "*":
                continue
            local = words[2] if len(words) == 3 and words[1] == "as" else words[0]
            found.append((len(dots), parts, words[0], local))
    return found


def _bases(path: str, root: str, dots: int) -> list[Path]:
    """Where an import in `path` is looked for: its folder's `dots - 1`th parent for `from .x`, else its folder and up
    to four folders above it (not above `root`)."""
    # `abspath`, not `resolve()`: no system call per path; every file's cache key reads its imports this way.
    folder = Path(os.path.abspath(os.path.join(root or ".", path))).parent
    top = Path(os.path.abspath(root or "."))
    if dots:
        bases = [folder]
        for _ in range(dots - 1):
            bases = [bases[0].parent]
        return bases
    bases, current = [], folder
    for _ in range(5):
        bases.append(current)
        if current == top or top not in current.parents:
            break
        current = current.parent
    return bases


def module_files(path: str, root: str, dots: int, parts: list[str]) -> list[Path]:
    """The files of module `parts` as imported from `path`: relative to its folder for `from .x`, else under its
    folder or up to four folders above it (not above `root`); every module of a package."""
    for base in _bases(path, root, dots):
        target = base.joinpath(*parts) if parts else base
        if parts and target.with_suffix(".py").is_file():
            return [target.with_suffix(".py")]
        if target.is_dir() and parts:
            return sorted(target.glob("*.py"))[:_MAX_FILES]
    return []


def stamp(file: str) -> tuple[int, int]:
    """(modification time, size): what the caches of a neighbour's text and facts are keyed on, so that a
    long-running process (the TUI) sees a neighbour that was edited."""
    try:
        found = Path(file).stat()
    except OSError:
        return (0, -1)
    return (found.st_mtime_ns, found.st_size)


def read_text(file: str) -> str:
    """A neighbour's text, or "" when it cannot be read or is too large to be a hand-written module."""
    return read_stamped(file, stamp(file))


@functools.lru_cache(maxsize=512)
def read_stamped(file: str, stamped: tuple[int, int]) -> str:
    if stamped[1] < 0 or stamped[1] > _MAX_BYTES:
        return ""
    try:
        return Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------
# Blocking functions of a module (CON001)

# Calls that block the calling thread on the network, a database, a subprocess or a sleep; and key derivation that
# holds the CPU for a tenth of a second by design.
_BLOCKING_CALL = re.compile(
    r"\brequests\.(?:get|post|put|patch|delete|head|request)\(|\bhttpx\.(?:get|post|put|patch|delete|request)\(|"
    r"\burlopen\(|\bsmtplib\.SMTP(?:_SSL)?\(|\btime\.sleep\(|\bsubprocess\.(?:run|call|check_call|check_output)\(|"
    r"\b(?:sqlite3|psycopg2?|pymysql)\.connect\(|\bfeedparser\.parse\(|\bhashlib\.(?:pbkdf2_hmac|scrypt)\(|"
    r"\bbcrypt\.(?:hashpw|checkpw|kdf)\(")
_IMPORTS_BOTO3 = re.compile(r"^[ \t]*(?:import[ \t]+boto3|from[ \t]+boto3\b)", re.MULTILINE)
_AWS_CALL = re.compile(r"\.(?:put_object|get_object|upload_file|upload_fileobj|download_file|download_fileobj|"
                       r"copy_object|delete_object|head_object|send_email|send_raw_email|send_message)\(")
# A module-level client whose methods make requests: `_session = requests.Session()`, `client = httpx.Client(...)`.
_SYNC_CLIENT = re.compile(r"^(\w+)\s*(?::[^=\n]*)?=\s*(?:requests\.Session|requests\.session|httpx\.Client)\(",
                          re.MULTILINE)
_DEF = re.compile(r"^(async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.MULTILINE)
_TRIPLE_QUOTED = re.compile(r'(?s)(\"\"\"|\'\'\').*?\1')
_COMMENT = re.compile(r"#[^\n]*")
_CALLED = re.compile(r"(?<![.\w])(\w+)\(")


def blocking_functions(file: str) -> dict[str, str]:
    """The module-level sync functions of `file` that block, each with what blocks in it (directly, or through
    another function of the same module that does)."""
    return _blocking_functions(file, stamp(file))


def _code(file: str, stamped: tuple[int, int]) -> str:
    # Docstrings and comments out: a usage example in a docstring (`resp = requests.post(...)`) is not a call.
    return _COMMENT.sub("", _TRIPLE_QUOTED.sub('""', read_stamped(file, stamped)))


def _bodies(text: str, with_async: bool) -> dict[str, str]:
    """The text of each function defined in `text`, by name (the last one of a name wins)."""
    bodies: dict[str, str] = {}
    defs = list(_DEF.finditer(text))
    for index, match in enumerate(defs):
        if match.group(1) and not with_async:
            continue
        end = defs[index + 1].start() if index + 1 < len(defs) else len(text)
        body = text[match.end():end]
        # The function ends at the next top-level statement (a signature's closing `)` is not one).
        start = body.find("\n") + 1
        top_level = re.compile(r"^[^\s)#]", re.MULTILINE).search(body, start)
        bodies[match.group(2)] = body[: top_level.start()] if top_level else body
    return bodies


def _spread(bodies: dict[str, str], found: dict[str, str]) -> dict[str, str]:
    """`found` grown by the functions that call one of its functions (the same module's)."""
    changed = True
    while changed:
        changed = False
        for name, body in bodies.items():
            if name in found:
                continue
            callee = next((c for c in _CALLED.findall(body) if c in found and c != name), None)
            if callee is not None:
                found[name] = f"{callee}()"
                changed = True
    return found


@functools.lru_cache(maxsize=256)
def _blocking_functions(file: str, stamped: tuple[int, int]) -> dict[str, str]:
    text = _code(file, stamped)
    if not text:
        return {}
    clients = set(_SYNC_CLIENT.findall(text))
    client_call = re.compile(r"(?<![.\w])(" + "|".join(map(re.escape, clients)) + r")\.(?:get|post|put|patch|delete|"
                             r"head|request|send)\(") if clients else None
    bodies = _bodies(text, with_async=False)  # `async def`: awaited, not blocking
    # boto3 is synchronous: in a module that imports it, an S3 or SES call waits on AWS.
    aws_call = _AWS_CALL if _IMPORTS_BOTO3.search(text) else None
    blocking: dict[str, str] = {}
    for name, body in bodies.items():
        found = (_BLOCKING_CALL.search(body) or (client_call.search(body) if client_call else None)
                 or (aws_call.search(body) if aws_call else None))
        if found:
            blocking[name] = found.group(0).rstrip("(")
    return _spread(bodies, blocking)  # a function calling a blocking function of the same module blocks too


# ---------------------------------------------------------------------------
# Functions of a module that pass an idempotency key (REL003, REL004)

_KEY_NAMED = re.compile(r"idempot|dedup", re.IGNORECASE)
# A key made new on each call (`idempotency_key=str(uuid.uuid4())`) makes nothing safe to repeat.
_FRESH_KEY = re.compile(r"\buuid[14]\(|\btoken_(hex|urlsafe)\(")


def keyed_functions(file: str) -> frozenset[str]:
    """The functions of `file` that pass an idempotency key (`billing.charge_contract_period`, whose
    `stripe.PaymentIntent.create(..., idempotency_key=f"contract-{id}-{period}")` is safe to repeat), directly or
    through another function of the same module that does."""
    return _keyed_functions(file, stamp(file))


@functools.lru_cache(maxsize=256)
def _keyed_functions(file: str, stamped: tuple[int, int]) -> frozenset[str]:
    bodies = _bodies(_code(file, stamped), with_async=True)
    keyed = {name: "" for name, body in bodies.items() if _KEY_NAMED.search(body) and not _FRESH_KEY.search(body)}
    return frozenset(_spread(bodies, keyed))


def imported_keyed(path: str, root: str, text: str) -> frozenset[str]:
    """Names this file calls that are keyed functions of a project module it imports: `charge_period` for
    `from .billing import charge_period`, `billing.charge_period` for `from . import billing`."""
    return frozenset(_imported(path, root, text, lambda file: dict.fromkeys(keyed_functions(file), "")))


def imported_blocking(path: str, root: str, text: str) -> dict[str, str]:
    """Names this file calls that are blocking functions of a project module it imports: `send_email` for
    `from .mailer import send_email`, `fraud_client.score_claim` for `from app.services import fraud_client`."""
    return _imported(path, root, text, blocking_functions)


def _imported(path: str, root: str, text: str, read: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """What `read` finds in the project modules this file imports from, under the names this file calls them by."""
    found: dict[str, str] = {}
    located: dict[tuple[int, tuple[str, ...]], list[Path]] = {}  # `from .x import a, b, c` looks `.x` up once

    def files_of(dots: int, parts: list[str]) -> list[Path]:
        key = (dots, tuple(parts))
        if key not in located:
            located[key] = module_files(path, root, dots, parts)
        return located[key]

    absolute_bases: list[Path] | None = None
    project_packages: dict[str, bool] = {}  # `django`, `sqlalchemy`: not in the project, looked for once

    for dots, parts, name, local in from_imports(text):
        if not dots and not parts:
            continue
        if not dots:
            if parts[0] not in project_packages:
                absolute_bases = absolute_bases if absolute_bases is not None else _bases(path, root, 0)
                project_packages[parts[0]] = any((base / parts[0]).is_dir() or (base / f"{parts[0]}.py").is_file()
                                                 for base in absolute_bases)
            if not project_packages[parts[0]]:
                continue
        # `from .mailer import send_email`: a function of the module; `from app.services import fraud_client`: a
        # module of the package.
        for file in files_of(dots, parts):
            if file.stem == name:
                found.update({f"{local}.{fn}": what for fn, what in read(str(file)).items()})
            elif name in (functions := read(str(file))):
                found[local] = functions[name]
        if parts or dots:
            submodule = files_of(dots, [*parts, name])
            if len(submodule) == 1 and submodule[0].stem == name:
                found.update({f"{local}.{fn}": what for fn, what in read(str(submodule[0])).items()})
    return found
