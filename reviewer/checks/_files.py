"""Small readers for the line checks: Dockerfile instructions and stages, block YAML, image references, secret names."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------
# Secret-looking names (Dockerfile ENV/ARG, compose environment)

# The name's last words say it holds a secret: DB_PASSWORD, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY.
_SECRET_NAME = re.compile(
    r"(PASSWORDS?|PASSWD|(^|_)(PASS|PASSPHRASE|SECRETS?|SECRET_KEY|TOKEN|API_?KEYS?|PRIVATE_?KEY|ACCESS_?KEY"
    r"|SECRET_ACCESS_KEY|SECRET_KEY_BASE|CREDENTIALS?|AUTH_TOKEN|CLIENT_SECRET"
    r"|(JWT|SIGNING|ENCRYPTION|HMAC|FERNET|MASTER)_?KEY))$",
    re.IGNORECASE,
)
# Names that point at a secret instead of holding it, or describe one (DB_PASSWORD_FILE, TOKEN_URL).
_SECRET_REFERENCE = re.compile(r"_(FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT|NAME|HEADER|LENGTH|TTL|EXPIRY|TIMEOUT)$",
                               re.IGNORECASE)
_PUBLIC = re.compile(r"(^|_)PUBLIC(_|$)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """Whether a variable name says it holds a secret value (not a path or URL to one, not a public key)."""
    return bool(_SECRET_NAME.search(name)) and not _SECRET_REFERENCE.search(name) and not _PUBLIC.search(name)


_FILE_PATH = re.compile(r"^(/|\./|\.\./|~/)[\w.@/-]*$")


def is_secret_value(value: str | None) -> bool:
    """A non-empty literal that could be the secret itself: not `${VAR}`, not a path to a key file."""
    return bool(value) and not is_substitution(value) and not _FILE_PATH.match(value)


# `postgresql://app:s3cret@db:5432/app`, `https://ci:token@pypi.example.com/simple`: a password in a URL.
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://([^:/@\s]*):([^@/\s]+)@[^/\s]", re.IGNORECASE)
# Defaults of local databases and brokers (`guest:guest`, `postgres:postgres`): not a leaked credential.
_TRIVIAL_PASSWORDS = frozenset({"password", "pass", "postgres", "root", "admin", "secret", "test", "example",
                                "changeme", "guest", "user", "mysql", "redis", "pwd", "passwd"})
# A name ending in KEY (`BOT_JWT_KEY`, `WEBHOOK_KEY`) holds a secret when its value is a random-looking run.
_KEY_NAME = re.compile(r"(^|_)KEY$", re.IGNORECASE)
# Keys that are public by design: Stripe publishable keys, reCAPTCHA site keys.
_PUBLIC_KEY_NAME = re.compile(r"(^|_)(PUBLISHABLE|SITE|PUB)(_|$)", re.IGNORECASE)
_GENERATED_RUN = re.compile(r"[A-Za-z0-9+_=-]{20,}")


def url_password(value: str | None) -> str | None:
    """The literal password inside a connection or index URL in a config value, else None.

    Substituted passwords (`${DB_PASSWORD}`), a password equal to the user name and well-known local
    defaults do not count.
    """
    if not value:
        return None
    found = _URL_PASSWORD.search(value)
    if found is None:
        return None
    user, password = found.group(1), found.group(2)
    if "$" in password or password == user or password.lower() in _TRIVIAL_PASSWORDS or len(password) < 4:
        return None
    if password.startswith(("{", "%", "<", "*")) or set(password) <= {"x", "X", "*"}:
        return None
    return password


def is_generated_key(name: str, value: str | None) -> bool:
    """`BOT_JWT_KEY=9c2f4e6a8b0d1f3e...`: a KEY-named variable whose value is a long random-looking run."""
    if (not value or not _KEY_NAME.search(name) or _SECRET_REFERENCE.search(name) or _PUBLIC.search(name)
            or _PUBLIC_KEY_NAME.search(name)):
        return False
    if is_substitution(value) or _FILE_PATH.match(value):
        return False
    for run in _GENERATED_RUN.findall(value):
        if (len(run) == len(value) and any(ch.isdigit() for ch in run) and any(ch.isalpha() for ch in run)
                and len(set(run)) >= 10):
            return True
    return False


def literal_secret(name: str, value: str) -> str | None:
    """Why a variable set to a literal in a deployment file holds a secret: "literal" (a secret-looking name,
    or a KEY-named variable with a random-looking value), "url" (a URL with a literal password), or None."""
    if (is_secret_name(name) and is_secret_value(value)) or is_generated_key(name, value):
        return "literal"
    return "url" if url_password(value) is not None else None


def is_development_path(path: str) -> bool:
    """Files of a development container, which is not deployed (`.devcontainer/Dockerfile`)."""
    return ".devcontainer/" in path.replace("\\", "/")


# A file's opening comment that says it is not deployed: "Local development only", "for development use only".
_DEVELOPMENT_ONLY = re.compile(r"\b(local|development|dev)\b[^\n]*\bonly\b"
                               r"|\bnot\s+(for|used\s+in)\s+(any\s+)?(production|deploy\w*)\b",
                               re.IGNORECASE)


# Other ways an opening comment says the file is for a laptop ("Compose stack for local development", "Dev setup",
# "Do not use in production"), taken only when the comment does not also speak of a production or staging host.
_FOR_DEVELOPMENT = re.compile(r"\bfor\s+(local\s+)?development\b|\blocal\s+development\b"
                              r"|\bdev(elopment)?\s+(stack|setup|environment)\b"
                              r"|\bdo\s+not\s+(use|deploy|run)\b[^\n]*\b(production|prod)\b|\bnever\s+deployed\b",
                              re.IGNORECASE)
_DEPLOYED_HOST = re.compile(r"\b(production|staging|prod)\b", re.IGNORECASE)


def declared_development_only(text: str) -> bool:
    """The comment block a file opens with says it is for local development only (a compose stack for
    `docker compose up` on a laptop): its throwaway passwords are not deployed secrets."""
    opening: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if _DEVELOPMENT_ONLY.search(stripped):
            return True
        opening.append(stripped)
    comment = "\n".join(opening)
    if _FOR_DEVELOPMENT.search(comment) is None:
        return False
    # The first line says what this file is ("Local development stack: Postgres, Redis"); a later one may say where
    # production runs instead ("Production runs on Kubernetes, see k8s/").
    if opening and _FOR_DEVELOPMENT.search(opening[0]) and not _DEPLOYED_HOST.search(
            _FOR_DEVELOPMENT.sub("", opening[0])):
        return True
    # "Do not use in production" names production to rule it out; "Production stack; for local development see
    # compose.dev.yml" describes a deployed file.
    return _DEPLOYED_HOST.search(_FOR_DEVELOPMENT.sub("", comment)) is None


_MANIFEST_SEARCH_DEPTH = 3
_MANIFEST_MAX_BYTES = 512 * 1024
_SKIPPED_DIRS = frozenset({"node_modules", "venv", "site-packages", "__pycache__", "tests", "test"})
_LIVENESS_PROBE = re.compile(r"^\s*livenessProbe\s*:", re.MULTILINE)
_COMPOSE_HEALTHCHECK = re.compile(r"^\s*healthcheck\s*:\s*\n\s+(?!disable\s*:\s*true)\w", re.MULTILINE)


def deployed_with_liveness_probe(dockerfile_path: str, root: str = "") -> bool:
    """Whether a YAML file beside the Dockerfile (its folder, `k8s/`, `deploy/`, a chart; 3 levels down)
    defines a Kubernetes `livenessProbe`: the image is run by Kubernetes, which ignores HEALTHCHECK and
    restarts a hung container through the probe instead.

    Reads the working tree: `dockerfile_path` is relative to `root`, the folder the review's paths are
    named from (the top of the work tree; the current directory when empty). A path it cannot find
    reads as no manifest, so the finding stays.
    """
    root = (Path(root) / dockerfile_path).parent
    if not root.is_dir():
        return False
    base_depth = len(root.parts)
    for folder, subfolders, files in os.walk(root):
        depth = len(Path(folder).parts) - base_depth
        subfolders[:] = [] if depth >= _MANIFEST_SEARCH_DEPTH else [
            d for d in subfolders if not d.startswith(".") and d not in _SKIPPED_DIRS]
        for name in files:
            if not name.endswith((".yaml", ".yml")):
                continue
            path = Path(folder, name)
            try:
                if path.stat().st_size > _MANIFEST_MAX_BYTES:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if _LIVENESS_PROBE.search(text):
                return True
            # A compose file's `healthcheck:` on the service built from this folder is the container's health
            # check when compose runs it (one on the database's service is not).
            if depth == 0 and name.startswith(("docker-compose", "compose")) and _built_service_has_healthcheck(text):
                return True  # a compose file beside the Dockerfile (one deeper belongs to another service)
    return False


_COMPOSE_SERVICE = re.compile(r"^  ([\w.-]+):[ \t]*$", re.MULTILINE)


def _built_service_has_healthcheck(text: str) -> bool:
    """A service of a compose file that is built (`build:`) and declares a `healthcheck:`."""
    services = list(_COMPOSE_SERVICE.finditer(text))
    for index, match in enumerate(services):
        end = services[index + 1].start() if index + 1 < len(services) else len(text)
        block = text[match.end():end]
        if re.search(r"^\s+build\s*:", block, re.MULTILINE) and _COMPOSE_HEALTHCHECK.search(block):
            return True
    return False


def is_substitution(value: str) -> bool:
    """`${VAR}`, `$VAR`, `${VAR:-default}`: the value comes from the environment, not from the file."""
    return "$" in value


# ---------------------------------------------------------------------------
# Image references


@dataclass(frozen=True)
class ImageRef:
    """An image reference split into its repository, tag and digest (`registry:5000/app:1.2@sha256:...`)."""

    repository: str
    tag: str | None
    digest: str | None

    @property
    def floats(self) -> bool:
        """True when the reference moves under you: no digest and no tag, or the `latest` tag."""
        return self.digest is None and (self.tag is None or self.tag == "latest")


def parse_image(reference: str) -> ImageRef:
    ref = reference.strip().strip("\"'")
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    last = ref.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:  # a colon before the last `/` is a registry port, not a tag
        tag = last.rsplit(":", 1)[1]
        ref = ref[: len(ref) - len(tag) - 1]
    return ImageRef(repository=ref, tag=tag or None, digest=digest or None)


# ---------------------------------------------------------------------------
# Dockerfiles

_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^#\s*[a-zA-Z]+\s*=")
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(?:\s+(.*))?$")
# BuildKit heredocs: `RUN <<EOF`, `COPY <<-"EOF" /app/x`; not the `<<<` here-string.
_HEREDOC = re.compile(r"(?<!<)<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass
class Instruction:
    """One Dockerfile instruction: its keyword, its arguments with continuations joined, and its lines."""

    keyword: str
    args: str
    line: int
    end_line: int
    physical: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) of each line

    def line_of(self, text: str) -> int:
        """The line of this instruction where `text` appears (a continued instruction spans several)."""
        return next((number for number, line in self.physical if text in line), self.line)

    @property
    def words(self) -> list[str]:
        return self.args.split()

    def flags_and_words(self) -> tuple[dict[str, str], list[str]]:
        """`--platform=linux/amd64 image AS x` -> ({"platform": "linux/amd64"}, ["image", "AS", "x"])."""
        flags: dict[str, str] = {}
        words = self.words
        while words and words[0].startswith("--"):
            name, _, value = words.pop(0)[2:].partition("=")
            flags[name.lower()] = value
        return flags, words


@dataclass
class Stage:
    """A build stage: its FROM instruction, base image (build args substituted), alias and instructions."""

    start: Instruction
    base: str | None  # None when a build arg without a default decides it
    alias: str | None
    instructions: list[Instruction] = field(default_factory=list)
    parent: Stage | None = None  # the earlier stage this one is built FROM, if any

    @property
    def end_line(self) -> int:
        """The stage's last line: a finding about what the whole stage lacks spans FROM to here."""
        return max([self.start.end_line] + [i.end_line for i in self.instructions])

    def lineage(self) -> list[Stage]:
        """This stage and the earlier stages it builds on, oldest first (their settings are inherited)."""
        chain: list[Stage] = []
        stage: Stage | None = self
        while stage is not None and stage not in chain:
            chain.append(stage)
            stage = stage.parent
        return list(reversed(chain))

    def inherited(self, keyword: str) -> list[Instruction]:
        """Every instruction of this keyword that applies to this stage, including inherited ones, in order."""
        return [i for stage in self.lineage() for i in stage.instructions if i.keyword == keyword]


@dataclass
class Dockerfile:
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: dict[str, str | None]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None


@functools.lru_cache(maxsize=8)
def parse_dockerfile(text: str) -> Dockerfile:
    """Split a Dockerfile into instructions (continuations, comments, heredocs handled) and build stages.

    Like Docker, a `#` starts a comment only at the start of a line; text after an instruction stays
    part of its arguments, and the checks read only the leading words they need.
    """
    lines = text.splitlines()
    escape = "\\"
    for raw in lines:
        stripped = raw.strip()
        if not _DIRECTIVE.match(stripped):
            break
        found = _ESCAPE_DIRECTIVE.match(stripped)
        if found:
            escape = found.group(1)
    instructions: list[Instruction] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start = index
        parts: list[str] = []
        physical: list[tuple[int, str]] = []
        while True:
            body = lines[index].rstrip()
            physical.append((index + 1, body))
            if body.endswith(escape) and index + 1 < len(lines):
                parts.append(body[: -len(escape)])
                index += 1
                # Docker drops comment and empty lines inside a continued instruction.
                while index < len(lines) and (not lines[index].strip() or lines[index].strip().startswith("#")):
                    index += 1
                if index >= len(lines):
                    break
                continue
            parts.append(body.removesuffix(escape))
            break
        joined = "".join(parts)
        found = _INSTRUCTION.match(joined)
        end = index
        index += 1
        if not found:
            continue
        keyword = found.group(1).upper()
        args = (found.group(2) or "").strip()
        if keyword in _HEREDOC_INSTRUCTIONS:
            for heredoc in _HEREDOC.finditer(args):
                terminator = heredoc.group(3)
                while index < len(lines) and lines[index].strip() != terminator:
                    index += 1
                end = min(index, len(lines) - 1)
                index += 1
        instructions.append(Instruction(keyword=keyword, args=args, line=start + 1, end_line=end + 1,
                                        physical=physical))
    return _stages(instructions)


def _stages(instructions: list[Instruction]) -> Dockerfile:
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    by_alias: dict[str, Stage] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            _, words = instruction.flags_and_words()
            base = substitute(words[0], global_args) if words else None
            alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            stage = Stage(start=instruction, base=base, alias=alias)
            if base is not None:
                stage.parent = by_alias.get(base.lower())
            stages.append(stage)
            if alias is not None:
                by_alias[alias] = stage
        elif not stages:
            if instruction.keyword == "ARG":
                for word in instruction.words:
                    name, eq, default = word.partition("=")
                    global_args[name] = default.strip("\"'") if eq else None
        else:
            stages[-1].instructions.append(instruction)
    return Dockerfile(instructions=instructions, stages=stages, global_args=global_args)


def substitute(word: str, variables: dict[str, str | None]) -> str | None:
    """Expand `$VAR`, `${VAR}`, `${VAR:-default}` from build-arg defaults; None when one has no value."""
    unresolved = False

    def expand(found: re.Match[str]) -> str:
        nonlocal unresolved
        name = found.group(1) or found.group(4)
        value = variables.get(name)
        operator, alternative = found.group(2), found.group(3)
        if operator == "-":
            return value if value else alternative
        if operator == "+":
            return alternative if value else ""
        if value is None:
            unresolved = True
            return ""
        return value

    result = _VARIABLE.sub(expand, word)
    return None if unresolved else result


def env_pairs(instruction: Instruction) -> list[tuple[str, str | None]]:
    """The (name, value) pairs an ENV or ARG sets; value None for `ARG NAME` without a default.

    `ENV K=V K2=V2` and `ENV K V with spaces` are both read; in the first form, reading stops at the
    first word without `=`, so trailing text after the pairs does not become a variable.
    """
    words = instruction.words
    if not words:
        return []
    if instruction.keyword == "ENV" and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]).strip("\"'"))]
    pairs: list[tuple[str, str | None]] = []
    for word in _quoted_words(instruction.args):
        name, eq, value = word.partition("=")
        if not eq:
            if instruction.keyword == "ARG" and not pairs:
                pairs.append((name, None))
            break
        pairs.append((name, value.strip("\"'")))
    return pairs


def _quoted_words(text: str) -> list[str]:
    """Whitespace-separated words where a quoted value (`K="a b"`) stays one word."""
    return re.findall(r"(?:[^\s\"']+|\"(?:[^\"\\]|\\.)*\"|'[^']*')+", text)


# ---------------------------------------------------------------------------
# Block YAML (manifests and compose files)


@dataclass
class Node:
    """A YAML value: a mapping, a sequence, a scalar, or `opaque` for what the reader does not follow."""

    kind: str  # "map" | "seq" | "scalar" | "opaque"
    line: int
    text: str = ""
    quoted: bool = False
    entries: dict[str, Node] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    items: list[Node] = field(default_factory=list)

    def get(self, *path: str) -> Node | None:
        node: Node | None = self
        for key in path:
            if node is None or node.kind != "map":
                return None
            node = node.entries.get(key)
        return node

    def scalar(self, *path: str) -> str | None:
        node = self.get(*path)
        return node.text if node is not None and node.kind == "scalar" else None

    def is_true(self) -> bool:
        return self.kind == "scalar" and not self.quoted and self.text.lower() in ("true", "yes", "on")

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


@dataclass
class _Line:
    number: int
    indent: int
    content: str


_KEY = re.compile(
    r"^(?P<key>\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^\s'\"#\[\]{},&*!|>%@`-][^#'\"]*?|-[^\s'\"#][^#'\"]*?)"
    r"\s*:(?:\s+(?P<value>.*))?$"
)
_BLOCK_SCALAR = re.compile(r"^[|>][-+0-9]*$")
_DOCUMENT_MARK = re.compile(r"^(---|\.\.\.)(\s|$)")


# Each parser is cached on the file's text: the five Kubernetes checks, and the five Dockerfile checks, of one
# file all read the same parse (checks only read it).
@functools.lru_cache(maxsize=8)
def yaml_documents(text: str) -> tuple[Node, ...]:
    """The root node of each `---`-separated document of a block-style YAML file.

    Template control lines (`{{- if ... }}`) are dropped; flow collections (`{}`, `[a, b]`, one level
    or nested) are read when they are simple; anchors and tags are ignored, and aliases and merge
    keys (`<<: *defaults`) are `opaque`, so checks treat them as unknown.
    """
    documents: list[list[_Line]] = [[]]
    for number, raw in enumerate(text.splitlines(), start=1):
        if _DOCUMENT_MARK.match(raw):
            documents.append([])
            continue
        content = _strip_comment(raw).rstrip()
        stripped = content.strip()
        if not stripped or stripped.startswith(("{{", "%")):
            continue
        documents[-1].append(_Line(number, len(content) - len(content.lstrip(" \t")), stripped))
    roots: list[Node] = []
    for lines in documents:
        if lines:
            node, _ = _YamlReader(lines).block(0, lines[0].indent)
            if node is not None:
                roots.append(node)
    return tuple(roots)


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'" and (index == 0 or line[index - 1] in " \t:-[{,"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index]
    return line


class _YamlReader:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines

    def block(self, index: int, indent: int) -> tuple[Node | None, int]:
        if index >= len(self.lines):
            return None, index
        line = self.lines[index]
        if not _strip_properties(line.content) and index + 1 < len(self.lines) \
                and self.lines[index + 1].indent >= line.indent:
            return self.block(index + 1, self.lines[index + 1].indent)  # an anchor or tag on its own line
        if line.content == "-" or line.content.startswith("- "):
            return self.sequence(index, line.indent)
        if _KEY.match(line.content):
            return self.mapping(index, line.indent)
        return self.scalar_at(index, line.content, line.indent)

    def mapping(self, index: int, indent: int) -> tuple[Node, int]:
        node = Node("map", self.lines[index].number)
        while index < len(self.lines):
            line = self.lines[index]
            if line.indent < indent:
                break
            if line.indent > indent:  # continuation we could not place: skip it
                index += 1
                continue
            found = _KEY.match(line.content)
            if found is None:
                break
            key = _unquote(found.group("key"))[0]
            value = _strip_properties(found.group("value") or "")
            node.key_lines[key] = line.number
            index += 1
            if value == "":
                nxt = self.lines[index] if index < len(self.lines) else None
                if nxt is not None and (nxt.indent > indent or (nxt.indent == indent and _is_item(nxt.content))):
                    child, index = self.block(index, nxt.indent)
                    child = child or Node("scalar", line.number)
                else:
                    child = Node("scalar", line.number)
            else:
                child, index = self.inline_value(index, value, line.number, indent)
            node.entries[key] = child
        return node, index

    def sequence(self, index: int, indent: int) -> tuple[Node, int]:
        node = Node("seq", self.lines[index].number)
        while index < len(self.lines):
            line = self.lines[index]
            if line.indent < indent:
                break
            if line.indent > indent:
                index += 1
                continue
            if not _is_item(line.content):
                break
            rest = line.content[1:].lstrip()
            if _strip_properties(rest) == "":
                index += 1
                nxt = self.lines[index] if index < len(self.lines) else None
                if nxt is not None and nxt.indent > indent:
                    child, index = self.block(index, nxt.indent)
                    node.items.append(child or Node("scalar", line.number))
                else:
                    node.items.append(Node("scalar", line.number))
                continue
            # `- name: x` opens a mapping whose keys line up with `name`: read it as a line of its own.
            column = line.indent + (len(line.content) - len(rest))
            self.lines[index] = _Line(line.number, column, rest)
            if _KEY.match(rest) or _is_item(rest):
                child, index = self.block(index, column)
            else:
                child, index = self.inline_value(index + 1, _strip_properties(rest), line.number, indent)
            node.items.append(child or Node("scalar", line.number))
        return node, index

    def scalar_at(self, index: int, content: str, indent: int) -> tuple[Node, int]:
        return self.inline_value(index + 1, _strip_properties(content), self.lines[index].number, indent - 1)

    def inline_value(self, index: int, value: str, number: int, indent: int) -> tuple[Node, int]:
        """A value written after `key:` or `- `; `index` is the next line; deeper lines belong to it."""
        if _BLOCK_SCALAR.match(value):
            index = self._skip_deeper(index, indent)
            return Node("opaque", number, text=value), index
        if value.startswith(("[", "{")):
            text = value
            while _unbalanced(text) and index < len(self.lines):
                text += " " + self.lines[index].content
                index += 1
            parsed = _FlowReader(text, number).read()
            return parsed, index
        if value.startswith("*"):
            return Node("opaque", number, text=value), self._skip_deeper(index, indent)
        # A scalar may continue on deeper lines; they are part of this value.
        end = self._skip_deeper(index, indent)
        text, quoted = _unquote(" ".join([value] + [line.content for line in self.lines[index:end]]))
        return Node("scalar", number, text=text, quoted=quoted), end

    def _skip_deeper(self, index: int, indent: int) -> int:
        while index < len(self.lines) and self.lines[index].indent > indent:
            index += 1
        return index


def _is_item(content: str) -> bool:
    return content == "-" or content.startswith("- ")


def _strip_properties(value: str) -> str:
    """Drop a leading anchor (`&name`) and tag (`!!str`, `!Ref`) from a value."""
    value = value.strip()
    while value.startswith(("&", "!")):
        _, _, value = value.partition(" ")
        value = value.strip()
    return value


def _unquote(value: str) -> tuple[str, bool]:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return (inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')), True
    return value, False


def _unbalanced(text: str) -> bool:
    depth = 0
    quote = None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth > 0


class _FlowReader:
    """A flow collection on one logical line: `{limits: {memory: 512Mi}}`, `[a, "b"]`; else `opaque`."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line
        self.pos = 0

    def read(self) -> Node:
        try:
            node = self.value()
            self.space()
            if self.pos != len(self.text):
                raise ValueError("trailing text")
            return node
        except (ValueError, IndexError):
            return Node("opaque", self.line, text=self.text)

    def space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def value(self) -> Node:
        self.space()
        char = self.text[self.pos]
        if char == "{":
            return self.collection("}", Node("map", self.line))
        if char == "[":
            return self.collection("]", Node("seq", self.line))
        return self.scalar()

    def collection(self, closing: str, node: Node) -> Node:
        self.pos += 1
        while True:
            self.space()
            if self.text[self.pos] == closing:
                self.pos += 1
                return node
            if node.kind == "map":
                key = self.scalar(stop=":,}")
                self.space()
                if self.text[self.pos] == ":":
                    self.pos += 1
                    node.entries[key.text] = self.value()
                else:
                    node.entries[key.text] = Node("scalar", self.line)
                node.key_lines[key.text] = self.line
            else:
                node.items.append(self.value())
            self.space()
            if self.text[self.pos] == ",":
                self.pos += 1
            elif self.text[self.pos] != closing:
                raise ValueError("expected a separator")

    def scalar(self, stop: str = ",]}") -> Node:
        self.space()
        char = self.text[self.pos]
        if char in "\"'":
            end = self.text.index(char, self.pos + 1)
            text = self.text[self.pos + 1:end]
            self.pos = end + 1
            return Node("scalar", self.line, text=text, quoted=True)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stop:
            # In a flow map, `:` separates only when a space, separator or the end follows it.
            if self.text[self.pos] == ":" and ":" in stop and self.pos + 1 < len(self.text) \
                    and self.text[self.pos + 1] not in " ,}]":
                self.pos += 1
                continue
            self.pos += 1
        text = self.text[start:self.pos].strip()
        if text.startswith(("*", "[", "{")):
            raise ValueError("not a plain scalar")
        return Node("scalar", self.line, text=_strip_properties(text))


# ---------------------------------------------------------------------------
# Kubernetes workloads and compose services

# Where each workload kind keeps its pod spec.
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("containers", "initContainers")


@dataclass
class Container:
    """One container of a workload's pod spec, with the pod spec it belongs to."""

    node: Node
    pod_spec: Node
    workload: str
    list_name: str  # containers | initContainers | ephemeralContainers

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def name(self) -> str:
        return self.node.scalar("name") or "?"


def workloads(text: str) -> list[tuple[str, Node]]:
    """(kind, pod spec) for each workload document, `kind: List` items included."""
    found: list[tuple[str, Node]] = []
    pending = list(yaml_documents(text))
    while pending:
        document = pending.pop(0)
        if document.kind != "map":
            continue
        kind = document.scalar("kind") or ""
        items = document.get("items")
        if kind == "List" and items is not None and items.kind == "seq":
            pending.extend(items.items)
            continue
        path = _POD_SPEC_PATHS.get(kind)
        spec = document.get(*path) if path else None
        if spec is not None and spec.kind == "map":
            found.append((kind, spec))
    return found


def containers(text: str, lists: tuple[str, ...] = CONTAINER_LISTS) -> list[Container]:
    result: list[Container] = []
    for kind, spec in workloads(text):
        for list_name in lists:
            listed = spec.get(list_name)
            if listed is None or listed.kind != "seq":
                continue
            for item in listed.items:
                if item.kind == "map":
                    result.append(Container(node=item, pod_spec=spec, workload=kind, list_name=list_name))
    return result


def compose_services(text: str) -> list[tuple[str, Node]]:
    """(name, service mapping) for each service under the top-level `services:` of a compose file."""
    found: list[tuple[str, Node]] = []
    for document in yaml_documents(text):
        services = document.get("services")
        if services is None or services.kind != "map":
            continue
        for name, service in services.entries.items():
            if service.kind == "map":
                found.append((name, service))
    return found


_PATCH_PART = re.compile(r"(^|[-_.])patch(es)?([-_.]|$)", re.IGNORECASE)


def is_kustomize_patch(path: str) -> bool:
    """A kustomize patch (`patch-memory.yaml`, `patches/api.yaml`): it holds only the fields it changes.

    Matched on whole words of the path's parts: `food_dispatch/k8s/deployment.yaml` is not a patch.
    """
    return any(_PATCH_PART.search(part) for part in re.split(r"[/\\]", path))


def is_templated(text: str) -> bool:
    """A Helm or other Go-template manifest: what it renders to is decided elsewhere."""
    return "{{" in text


# A limit on the size of a request body, set in a web app's configuration or its proxy's.
_BODY_LIMIT = re.compile(r"MAX_CONTENT_LENGTH|client_max_body_size|max_request_body_size|LimitRequestBody|"
                         r"max_body_size|MAX_UPLOAD_SIZE|max_upload_size")
_CONFIG_SUFFIXES = (".py", ".cfg", ".toml", ".ini", ".env", ".conf", ".yaml", ".yml", ".json")


def request_body_limit_nearby(path: str, root: str = "") -> bool:
    """Whether a file in `path`'s folder or up to two folders above it (not above `root`) sets a limit on
    the size of request bodies: a Flask `MAX_CONTENT_LENGTH` in the app's config module, an nginx
    `client_max_body_size`. Reads the working tree; a folder it cannot read reads as no limit."""
    top = Path(root or ".").resolve()
    folder = (Path(root) / path).parent.resolve()
    for _ in range(3):
        if _folder_sets_body_limit(str(folder)):
            return True
        if folder == top or top not in folder.parents:
            return False
        folder = folder.parent
    return False


@functools.lru_cache(maxsize=256)
def _folder_sets_body_limit(folder: str) -> bool:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if not entry.name.endswith(_CONFIG_SUFFIXES) and entry.name != "Dockerfile":
            continue
        try:
            if not entry.is_file() or entry.stat().st_size > _MANIFEST_MAX_BYTES:
                continue
            text = Path(entry.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _BODY_LIMIT.search(text):
            return True
    return False


# ---------------------------------------------------------------------------
# Requirements files


def requirement_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(first line number, text) of each logical line, comments removed and `\\` continuations joined."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        text = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if text.endswith("\\"):
            pending.append(text[:-1])
            continue
        pending.append(text)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            result.append((start, joined))
    if pending and " ".join(pending).strip():
        result.append((start, " ".join(pending).strip()))
    return result
