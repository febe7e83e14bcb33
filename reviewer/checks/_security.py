"""Shared judgments for the security checks: secret-looking names and values, built SQL text, request input."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, findall, is_literal

# ---------------------------------------------------------------------------
# Names


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def identifier_words(name: str) -> list[str]:
    """`DB_PASSWORD`, `dbPassword`, `X-API-Key` -> lower-case words: ["db", "password"], ["x", "api", "key"]."""
    words: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        words.extend(word.lower() for word in _WORD.findall(part))
    return words


def call_name(call: cst.Call) -> str | None:
    """The last segment of the called name: `cur.execute(...)` -> "execute"."""
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def string_value(expr: cst.BaseExpression | None) -> str | None:
    """The text of a plain string literal (implicit concatenation included); None for anything else or bytes."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = expr.evaluated_value
        except (ValueError, SyntaxError):  # a malformed escape: not a string we can judge
            return None
        return value if isinstance(value, str) else None
    return None


_KEY_GETTERS = frozenset({"get", "getlist", "pop", "getenv", "setdefault"})


def expr_name(expr: cst.BaseExpression) -> str | None:
    """The name a value goes by: `password`, `user.password`, `data["password"]`, `form.get("password")`."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        return string_value(expr.slice[0].slice.value)
    if isinstance(expr, cst.Call) and call_name(expr) in _KEY_GETTERS and expr.args:
        return string_value(expr.args[0].value)
    return None


def first_arg(call: cst.Call, keyword_name: str | None = None, position: int = 0) -> cst.BaseExpression | None:
    """The argument at a position, or the keyword that can stand for it."""
    positional = [arg for arg in call.args if arg.keyword is None and arg.star == ""]
    if len(positional) > position:
        return positional[position].value
    if keyword_name is not None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword_name:
                return arg.value
    return None


def is_true(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def is_false(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "False"


# ---------------------------------------------------------------------------
# Secret-looking names and values

_SECRET_WORDS = frozenset({"password", "passwd", "passwrd", "passphrase", "pwd", "secret", "apikey", "token",
                           "authorization"})
# `api_key`, `SECRET_KEY`, `signing_key`; a bare `key` is far too common to mean a credential.
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "signing", "encryption", "master", "auth", "client",
                             "app", "hmac", "jwt", "fernet", "ssh", "license", "webhook", "aes", "sign", "crypt"})
# Tokens of a tokenizer or a pagination cursor, not credentials.
_NON_SECRET_TOKEN_QUALIFIERS = frozenset({"pad", "eos", "bos", "unk", "mask", "sep", "cls", "special", "start", "end",
                                          "stop", "next", "prev", "page", "continuation", "cursor", "sync", "resume"})
# A name with one of these words names something about a secret (its field, header, length, env var), not the secret.
_NOT_SECRET_WORDS = frozenset({
    "url", "uri", "urls", "path", "paths", "file", "filename", "files", "dir", "directory", "folder", "field", "fields",
    "name", "names", "type", "types", "header", "headers", "length", "len", "min", "max", "regex", "re", "pattern",
    "prompt", "label", "message", "msg", "endpoint", "env", "var", "vars", "id", "ids", "hash", "hashed", "hasher",
    "hashers", "policy", "validator", "validators", "expiry", "expires", "expire", "expiration", "ttl", "lifetime",
    "timeout", "age", "algorithm", "algorithms", "alg", "scope", "scopes", "kind", "location", "prefix", "suffix",
    "format", "template", "column", "param", "params", "hint", "placeholder", "input", "selector", "class", "mode",
    "method", "route", "view", "count", "limit", "size", "index", "display", "text", "title", "description", "help",
    "error", "errors", "attempts", "retries", "rule", "rules", "strength", "complexity", "link", "button", "form",
    "widget", "version", "encoding", "backend", "provider", "store", "storage", "manager", "module",
    "handler", "loader", "source", "arn", "ref", "reference", "reset", "schema", "model", "serializer", "table",
    "scheme",    "schemes", "total", "num", "completion", "output", "used", "remaining",
    "visible", "show", "hide", "toggle", "enabled", "enable", "disabled", "use", "is", "has", "should", "allow",
    "require", "required", "check", "verify", "valid", "invalid", "wrong", "bad", "incorrect", "setting", "settings",
    "lookup", "query", "generator", "factory", "callback", "cookie", "usage", "budget", "ratio", "bucket", "alphabet",
    "chars", "characters", "charset", "symbols", "digits", "letters", "issuer", "audience", "aud", "iss", "salt",
    "kid", "exc", "ex", "err", "exception", "reason", "status", "result",
})

_NOT_SECRET_VALUES = frozenset({
    "none", "null", "nil", "true", "false", "yes", "no", "on", "off", "required", "optional", "hidden", "password",
    "passwd", "secret", "token", "bearer", "basic", "string", "str", "text", "default", "unknown", "n/a", "test",
    "testing", "example", "sample", "dummy", "fake", "mock", "foo", "bar", "baz", "foobar", "changeme", "changeit",
    "placeholder", "redacted", "masked", "secret_key", "api_key", "value", "empty", "unset", "undefined", "missing",
    "notset", "not-set", "disabled", "sensitive", "secret-key", "api-key",
})
_PLACEHOLDER_PART = re.compile(
    r"<[^>]*>|\$\{|\{\{|%\(|\{[\w.]*\}|\.\.\.|xxx|\*\*\*|change[-_ ]?(me|it|this)|replace|placeholder|dummy"
    r"|redacted|todo|fixme|insert[-_ ]|^your|^my[-_]|[-_]here$|^enter[-_ ]|not[-_ ]a[-_ ]secret")
# "example"/"fake"/"sample" mark a placeholder in a made-up word ("example-secret"), not in a generated value
# that happens to contain it ("AKIAQ3EXAMPLE7HJK2PL" written by someone hiding a real key's shape).
_PLACEHOLDER_WORD = re.compile(r"example|fake|sample|dummy|(?<![a-z])test(?![a-z])")
# The credentials printed in AWS's documentation.
_DOCUMENTATION_KEYS = frozenset({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
_ENV_VAR_NAME = re.compile(r"[A-Z]+(?:_[A-Z0-9]+)+|[A-Z]+")
_SNAKE_IDENTIFIER = re.compile(r"[a-z]+(?:_[a-z]+)+")
_FILE_SUFFIX = re.compile(r"\.(json|pem|key|crt|cer|txt|env|ya?ml|ini|cfg|conf|toml|p12|pfx|der|jks|html?)$")
_REFERENCE_PREFIXES = ("$", "/", "./", "../", "~/", "env:", "vault:", "ssm:", "arn:", "projects/", "http://", "https://",
                       "file:", "secret:", "x-")
_PASSWORD_HASH = re.compile(r"^(pbkdf2|argon2|bcrypt|scrypt|sha1|sha256|md5)[_$]")
# Regular expressions: `r"[^\W\d]\w*"`, `(?=\s|#)`.
_REGEX_LIKE = re.compile(r"\\[wsdbWSDB]|\(\?|\[\^|\][*+{?]|\.[*+]")
_SECRET_NAME_HINT = re.compile(r"pass|pwd|secret|token|key|auth", re.IGNORECASE)


def is_secret_name(name: str | None) -> bool:
    """Whether a variable, attribute, keyword or key name says it holds a credential."""
    if not name or not _SECRET_NAME_HINT.search(name):
        return False
    words = identifier_words(name)
    if not words or any(word in _NOT_SECRET_WORDS for word in words):
        return False
    if len(words) > 2 and words[-1] == "key" and words[-2] in ("cache", "redis", "lock", "storage", "lookup"):
        return False  # `TOKEN_CACHE_KEY = "bureau:access-token"`: where the token is kept, not the token
    for index, word in enumerate(words):
        before = words[index - 1] if index else ""
        if word in _SECRET_WORDS:
            if word == "token" and before in _NON_SECRET_TOKEN_QUALIFIERS:
                continue
            return True
        if word == "key" and before in _KEY_QUALIFIERS:
            return True
        # DB_PASS, SMTP_PASS: "pass" only as the last word of a longer name (not `bypass`, `first_pass_done`).
        if word == "pass" and index == len(words) - 1 and index > 0:
            return True
    return False


def not_secret_words(words: list[str]) -> bool:
    """Whether a name's words say it describes a secret (its field, header, length) rather than holds one."""
    return any(word in _NOT_SECRET_WORDS for word in words)


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_placeholder_value(value: str, name: str | None = None) -> bool:
    """Whether a literal given to a secret-named thing is a placeholder, a reference or a label, not a secret."""
    text = value.strip()
    low = text.lower()
    if len(text) < 3 or low in _NOT_SECRET_VALUES or len(set(low)) <= 2:
        return True
    if any(ch.isspace() for ch in text):  # sentences and messages ("Enter your password"), not secrets
        return True
    if _PLACEHOLDER_PART.search(low) or low.startswith(_REFERENCE_PREFIXES) or "://" in low:
        return True
    if text in _DOCUMENTATION_KEYS or (_PLACEHOLDER_WORD.search(low) and not any(ch.isdigit() for ch in text)):
        return True
    if _ENV_VAR_NAME.fullmatch(text) or _SNAKE_IDENTIFIER.fullmatch(text):  # "DB_PASSWORD", "refresh_token"
        return True
    if _FILE_SUFFIX.search(low) or _PASSWORD_HASH.search(low) or _REGEX_LIKE.search(text):
        return True
    return name is not None and _normal(text) == _normal(name)


# Value shapes that are credentials whatever they are called.
_SECRET_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")),
    ("a private key", re.compile(
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
        r"\s*[A-Za-z0-9+/=\s:,-]{40,}")),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})")),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[baprs]-[0-9A-Za-z-]{10,}")),
    ("a Stripe live key", re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{24,}")),
    ("a Google API key", re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")),
    ("an OpenAI or Anthropic API key", re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-|ant-api\d\d-)?[A-Za-z0-9_-]{40,}")),
    ("a Slack webhook URL", re.compile(r"https://hooks\.slack\.com/services/T[0-9A-Z]{6,}/B[0-9A-Z]{6,}/[0-9A-Za-z]{20,}")),
)
_FAKE_SHAPE = re.compile(r"xxxx|0000000|1234567|abcdef", re.IGNORECASE)


def secret_shape(value: str) -> str | None:
    """What kind of live credential a literal contains, judged by its shape alone; None for fakes and examples."""
    for label, pattern in _SECRET_SHAPES:
        found = pattern.search(value)
        if found is None:
            continue
        text = found.group(0)
        # Documentation keys (AKIAIOSFODNN7EXAMPLE) and padded fakes (ghp_xxxx...) are not credentials.
        if text in _DOCUMENTATION_KEYS or _FAKE_SHAPE.search(text) or len(set(text)) < 12:
            continue
        return label
    return None


# `postgresql://app:pw@db.internal/app`; Redis's password-only form `redis://:pw@cache.internal:6379/0`.
_URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://([^:/@\s]*):([^@/\s]+)@([^/:\s?#]+)", re.IGNORECASE)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"})
# The throwaway passwords of local databases in a compose file: defaults, not leaked credentials.
_TRIVIAL_PASSWORDS = frozenset({"password", "pass", "postgres", "root", "admin", "secret", "test", "example",
                                "changeme", "dev", "local", "guest", "user", "mysql", "redis", "pwd", "passwd"})


# libpq and ODBC connection strings: "host=db user=app password=s3cret", "Server=x;Uid=app;Pwd=s3cret;".
_DSN_PASSWORD = re.compile(r"(?:^|[\s;])(?:password|pwd)\s*=\s*([^\s;'\"]+)", re.IGNORECASE)
_DSN_MARKER = re.compile(r"(?:^|[\s;])(?:host|server|dbname|database|user|uid|data source)\s*=", re.IGNORECASE)
# A value that looks generated: a long run of letters and digits mixed (hex, base64, random ids).
_GENERATED_RUN = re.compile(r"[A-Za-z0-9+/_]{16,}")


def looks_generated(value: str) -> bool:
    """`prov-3f9c1a7e5b2d48e6a0c9f1b7d3e5a8c2`: a random-looking run, not words or an identifier."""
    for run in _GENERATED_RUN.findall(value):
        if any(ch.isdigit() for ch in run) and any(ch.isalpha() for ch in run) and len(set(run)) >= 8:
            return True
    return False


def dsn_with_password(value: str) -> bool:
    """A key=value connection string that carries a real-looking password."""
    if "\n" in value or not _DSN_MARKER.search(value):
        return False
    found = _DSN_PASSWORD.search(value)
    if found is None:
        return False
    password = found.group(1)
    return password.lower() not in _TRIVIAL_PASSWORDS and not is_placeholder_value(password) \
        and not password.startswith(("{", "%", "<", "$", "*"))


def _made_like_a_password(value: str) -> bool:
    """Ten characters or more drawn from three of: capitals, small letters, digits, symbols."""
    classes = [any(c.isupper() for c in value), any(c.islower() for c in value), any(c.isdigit() for c in value),
               any(not c.isalnum() for c in value)]
    return len(value) >= 10 and sum(classes) >= 3


def url_with_password(value: str) -> bool:
    """A connection URL with a real-looking password for a non-local host: `postgresql://app:s3cr3t@db.example.io`."""
    found = _URL_CREDENTIALS.search(value)
    # A connection string has no spaces; a docstring or help text that shows one as an example does.
    if found is None or any(ch.isspace() for ch in value.strip()):
        return False
    user, password, host = found.group(1), found.group(2), found.group(3).lower()
    if host in _LOCAL_HOSTS or password == user or password.lower() in _TRIVIAL_PASSWORDS:
        return False
    # A one-word host (`db`, `redis`) is a compose service: its password is a local throwaway unless it is
    # made like a real one (`K33perOfTheLight`), which a fallback default then ships to production.
    if "." not in host and not _made_like_a_password(password):
        return False
    return not is_placeholder_value(password) and not password.startswith(("{", "%", "<", "$", "*"))


# ---------------------------------------------------------------------------
# Strings built from variables

_SQL_TEXT = re.compile(
    r"^\s*\(?\s*(select|insert|update|delete|with|create|drop|alter|merge|truncate|grant|revoke|call|pragma|show"
    r"|describe|explain|vacuum|analyze|copy|upsert)\b|\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\breplace\s+into\b"
    r"|\bupdate\b[\s\S]*\bset\b|\bdelete\s+from\b|\bwhere\b[\s\S]*(=|<|>|\blike\b|\bin\b)|\border\s+by\b"
    r"|\blimit\s*$", re.IGNORECASE)


def looks_like_sql(text: str) -> bool:
    return bool(_SQL_TEXT.search(text))


def literal_text(expr: cst.BaseExpression) -> str:
    """The literal text written in a built string, joined: what it says apart from the interpolated values."""
    if isinstance(expr, cst.SimpleString):
        return string_value(expr) or ""
    if isinstance(expr, cst.ConcatenatedString):
        return literal_text(expr.left) + literal_text(expr.right)
    if isinstance(expr, cst.FormattedString):
        return "".join(p.value for p in expr.parts if isinstance(p, cst.FormattedStringText))
    if isinstance(expr, cst.BinaryOperation):
        return literal_text(expr.left) + " " + literal_text(expr.right)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):  # "...".format(...), "...".join(...)
        return literal_text(expr.func.value)
    return ""


def _is_stringy(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def _flatten_add(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return _flatten_add(expr.left) + _flatten_add(expr.right)
    return [expr]


def _fstring_pieces(expr: cst.FormattedString) -> list[cst.BaseExpression]:
    return [part.expression for part in expr.parts if isinstance(part, cst.FormattedStringExpression)]


# `%d` and `%f` can only hold numbers, so a value formatted with them cannot carry text.
_TEXT_CONVERSION = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sr]")


def built_pieces(expr: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The values interpolated into a string built with an f-string, `%`, `+` or `.format`.

    None when the expression is not such a built string; an empty list when it is written out in full.
    """
    if isinstance(expr, cst.FormattedString):
        return _fstring_pieces(expr)
    if isinstance(expr, cst.ConcatenatedString):
        left, right = built_pieces(expr.left) or [], built_pieces(expr.right) or []
        return left + right
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo) and _is_stringy(expr.left):
        template = string_value(expr.left)
        if template is not None and not _TEXT_CONVERSION.search(template):
            return built_pieces(expr.left) or []
        right = expr.right
        if isinstance(right, cst.Tuple):
            values = [el.value for el in right.elements]
        elif isinstance(right, cst.Dict):
            values = [el.value for el in right.elements if isinstance(el, cst.DictElement)]
        else:
            values = [right]
        return (built_pieces(expr.left) or []) + values
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        operands = _flatten_add(expr)
        if not any(_is_stringy(op) for op in operands):
            return None
        pieces: list[cst.BaseExpression] = []
        for operand in operands:
            if isinstance(operand, cst.FormattedString):
                pieces.extend(_fstring_pieces(operand))
            elif not _is_stringy(operand):
                pieces.append(operand)
        return pieces
    if (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "format"
            and _is_stringy(expr.func.value)):
        return (built_pieces(expr.func.value) or []) + [arg.value for arg in expr.args]
    return None


_CONSTANT_NAME = re.compile(r"_?[A-Z][A-Z0-9_]*")
# Names that hold numbers by convention: a number cannot carry outside text.
NUMERIC_NAME = re.compile(
    r"(\w+_)?(count|num|limit|offset|size|length|len|ms|seconds|secs|timeout|days|hours|minutes|port|pid|page"
    r"|per_page|width|height|total|idx|index|year|month|day|level|depth|retries|attempts)|[ijkn]", re.IGNORECASE)
# Calls whose result is a number or an opaque generated id, never outside text.
_OPAQUE_CALLS = frozenset({"len", "int", "float", "bool", "abs", "round", "min", "max", "ord", "uuid4", "uuid1", "token_hex",
                           "token_urlsafe", "randint", "count", "hexdigest", "time", "monotonic", "perf_counter"})
_PLACEHOLDER_STRING = re.compile(r"[\s,()]*(\?|%s|:\w+|\$\d+)?[\s,()]*")

Resolver = Callable[[str], "list[cst.BaseExpression] | None"]


def _is_placeholder_list(call: cst.Call) -> bool:
    """`", ".join(["%s"] * len(ids))`, `",".join("?" * n)`: a run of parameter placeholders."""
    if not call.args or findall(call.args[0].value, cst.FormattedString):
        return False
    strings = [string_value(s) for s in findall(call.args[0].value, cst.SimpleString)]
    return bool(strings) and all(s is not None and _PLACEHOLDER_STRING.fullmatch(s) for s in strings)


def is_constant_piece(expr: cst.BaseExpression, *, safe_calls: frozenset[str] = frozenset(),
                      resolve: Resolver | None = None, module_constants: frozenset[str] = frozenset(),
                      trusted_names: re.Pattern[str] | None = None, safe_prefixes: tuple[str, ...] = (),
                      depth: int = 0) -> bool:
    """Whether an interpolated value cannot carry outside text: a literal, a module constant, a number.

    `safe_calls` names calls that make any value safe in this sink (`shlex.quote` for a shell, `escape` for HTML),
    `safe_prefixes` the start of such names (`quote` for SQL: `quote_identifier`, `quote_default_value`).
    `resolve` gives the values a local name is assigned in the function, followed one step.
    `trusted_names` matches names the sink trusts when they are not assigned from something else in the
    function (table names in SQL).
    """
    def again(e: cst.BaseExpression, level: int = depth) -> bool:
        return is_constant_piece(e, safe_calls=safe_calls, resolve=resolve, module_constants=module_constants,
                                 trusted_names=trusted_names, safe_prefixes=safe_prefixes, depth=level)

    def trusted(name: str) -> bool:
        return bool(_CONSTANT_NAME.fullmatch(name) or NUMERIC_NAME.fullmatch(name)
                    or (trusted_names is not None and trusted_names.fullmatch(name)))

    if is_literal(expr):
        return True
    if isinstance(expr, cst.Name):
        name = expr.value
        if _CONSTANT_NAME.fullmatch(name) or name in module_constants:
            return True
        values = resolve(name) if resolve is not None and depth == 0 else None
        if values:
            if all(again(v, 1) for v in values):
                return True
            # A number-named local the code computed (not read from a request, not text): still a number.
            return bool(NUMERIC_NAME.fullmatch(name)) and not any(
                is_request_input(v) or _is_stringy(v) for v in values)
        return trusted(name)
    if isinstance(expr, cst.Attribute):
        return trusted(expr.attr.value)
    if isinstance(expr, cst.Subscript):
        # A lookup in a constant allow-list: `COLUMNS[sort]` can only give one of the listed values.
        return isinstance(expr.value, (cst.Name, cst.Attribute)) and bool(
            _CONSTANT_NAME.fullmatch(expr_name(expr.value) or ""))
    if isinstance(expr, cst.Call):
        name = call_name(expr)
        dotted = attribute_path(expr.func) or ""
        if name in _OPAQUE_CALLS or name in safe_calls or dotted in safe_calls:
            return True
        if name is not None and safe_prefixes and name.startswith(safe_prefixes):
            return True
        if name == "get" and isinstance(expr.func, cst.Attribute) and expr.args and isinstance(
                expr.func.value, cst.Name) and (_CONSTANT_NAME.fullmatch(expr.func.value.value)
                                                or expr.func.value.value in module_constants):
            # `BUCKETS.get(bucket)`: a lookup in a constant allow-list, like `BUCKETS[bucket]`.
            return all(again(arg.value) for arg in expr.args[1:])
        if name == "join" and isinstance(expr.func, cst.Attribute) and _is_stringy(expr.func.value):
            return _is_placeholder_list(expr) or (bool(expr.args) and again(expr.args[0].value))
        return False
    if isinstance(expr, (cst.GeneratorExp, cst.ListComp)):
        return again(expr.elt)
    if isinstance(expr, cst.IfExp):
        return again(expr.body) and again(expr.orelse)
    if isinstance(expr, (cst.BinaryOperation, cst.BooleanOperation)):
        return again(expr.left) and again(expr.right)
    if isinstance(expr, cst.FormattedString):
        return all(again(piece) for piece in _fstring_pieces(expr))
    if isinstance(expr, cst.ConcatenatedString):
        return again(expr.left) and again(expr.right)
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return all(again(el.value) for el in expr.elements)
    return False


def unsafe_pieces(expr: cst.BaseExpression, **options) -> list[cst.BaseExpression] | None:
    """The interpolated values of a built string that may carry outside text; None when it is not built."""
    pieces = built_pieces(expr)
    if pieces is None:
        return None
    return [piece for piece in pieces if not is_constant_piece(piece, **options)]


def piece_label(expr: cst.BaseExpression) -> str:
    """A short name for an interpolated value in a message."""
    name = attribute_path(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else expr_name(expr)
    if name is None and isinstance(expr, cst.Call):
        name = (attribute_path(expr.func) or "a call") + "(...)"
    return name or "an expression"


# ---------------------------------------------------------------------------
# Assignments within one function, for following a value one step back


class FunctionAssignments:
    """Each local name's assigned values in one function, in source order; `+=` values are marked."""

    def __init__(self) -> None:
        self.values: dict[str, list[cst.BaseExpression]] = {}
        self.augmented: set[int] = set()

    def add(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign | cst.For) -> None:
        if isinstance(node, cst.For):
            if isinstance(node.target, cst.Name):
                self.values.setdefault(node.target.value, []).append(node.iter)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.values.setdefault(target.target.value, []).append(node.value)
        elif isinstance(node, cst.AnnAssign):
            if isinstance(node.target, cst.Name) and node.value is not None:
                self.values.setdefault(node.target.value, []).append(node.value)
        elif isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign):
            self.values.setdefault(node.target.value, []).append(node.value)
            self.augmented.add(id(node.value))

    def get(self, name: str) -> list[cst.BaseExpression] | None:
        return self.values.get(name)

    def is_augmented(self, value: cst.BaseExpression) -> bool:
        return id(value) in self.augmented


class SecurityCheck(PythonCheck):
    """A security check: each finding spans the whole reported node (a multi-line call, a settings list)."""

    def report(self, node: cst.CSTNode, message: str, *, end_node: cst.CSTNode | None = None,
               confidence=None, related: Sequence[cst.CSTNode] = ()) -> None:
        super().report(node, message, end_node=end_node if end_node is not None else node, confidence=confidence,
                       related=related)


class AssignmentTrackingCheck(SecurityCheck):
    """A check that follows a local name one assignment back: it records assignments as the visit passes them.

    Recording during the one batched traversal costs a dict append per assignment, where walking each
    function's body again would cost a second traversal; the assignments seen are the ones before the use.
    """

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._assignments: dict[cst.FunctionDef | None, FunctionAssignments] = {}
        self.constants: frozenset[str] = frozenset()

    def visit_Module(self, node: cst.Module) -> None:
        self.constants = module_constants(node)

    def _record(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign | cst.For) -> None:
        fn = self.ctx.function
        if fn is not None:
            found = self._assignments.get(fn)
            if found is None:
                found = self._assignments[fn] = FunctionAssignments()
            found.add(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._record(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._record(node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._record(node)

    def visit_For(self, node: cst.For) -> None:
        # `for role in ROLES:` binds `role` to an element of ROLES: constant when ROLES is.
        self._record(node)

    def assignments_here(self) -> FunctionAssignments | None:
        """The assignments seen so far in the function being visited."""
        fn = self.ctx.function
        return self._assignments.get(fn) if fn is not None else None


def module_constants(module: cst.Module) -> frozenset[str]:
    """Module-level names bound once to a literal (`table = "orders"`): as fixed as an UPPER_CASE constant."""
    seen: dict[str, int] = {}
    literal: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        name = target.target.value
                        seen[name] = seen.get(name, 0) + 1
                        if is_literal(small.value):
                            literal.add(name)
    return frozenset(name for name in literal if seen[name] == 1)


def name_values_unsafe(name: str, assignments: FunctionAssignments | None, **options
                       ) -> tuple[list[cst.BaseExpression], str] | None:
    """For a local name: the unsafe interpolated values across its assignments, and their literal text.

    None when the name is never assigned a built string in the function (a parameter, a call result).
    """
    if assignments is None:
        return None
    values = assignments.get(name)
    if not values:
        return None
    unsafe: list[cst.BaseExpression] = []
    texts: list[str] = []
    built = False
    for value in values:
        texts.append(literal_text(value))
        pieces = built_pieces(value)
        if pieces is None and assignments.is_augmented(value) and not is_literal(value):
            pieces = [value]  # `sql += clause`: a bare value appended to the text
        if pieces is None:
            continue
        built = True
        # `rv = " " + rv` adds nothing from outside: the name's other assignments are judged on their own.
        unsafe.extend(piece for piece in pieces if not is_constant_piece(piece, **options)
                      and not (isinstance(piece, cst.Name) and piece.value == name))
    return (unsafe, " ".join(texts)) if built else None


# ---------------------------------------------------------------------------
# Request input

_REQUEST_FIELDS = frozenset({"args", "form", "values", "json", "files", "view_args", "cookies", "headers", "data",
                             "GET", "POST", "FILES", "COOKIES", "META", "query_params", "path_params", "body",
                             "get_json", "query_string", "stream", "get_data", "match_info", "query", "params",
                             "multipart", "post"})
_REQUEST_OBJECTS = ("request", "self.request", "req")


def is_request_input(expr: cst.BaseExpression) -> bool:
    """`request.args["f"]`, `request.form.get("x")`, `request.files["f"].filename`, `await request.json()`."""
    node = expr
    while True:
        if isinstance(node, cst.Await):
            node = node.expression
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Attribute):
            path = attribute_path(node)
            if path is None:
                node = node.value
                continue
            for root in _REQUEST_OBJECTS:
                if path.startswith(root + "."):
                    rest = path[len(root) + 1:].split(".")
                    return rest[0] in _REQUEST_FIELDS
            node = node.value
        else:
            return False


def built_or_input_labels(expr: cst.BaseExpression, assignments: FunctionAssignments | None, *,
                          constants: frozenset[str] = frozenset(), safe_calls: frozenset[str] = frozenset(),
                          ) -> str | None:
    """The values that make `expr` outside text, as "`a`, `b`": request input, or a string built from
    non-constant values (directly or through one local assignment). None when it is neither."""
    if is_request_input(expr):
        return f"`{piece_label(expr)}`"
    options = {"module_constants": constants, "safe_calls": safe_calls,
               "resolve": assignments.get if assignments is not None else None}
    unsafe = unsafe_pieces(expr, **options)
    if unsafe is None and isinstance(expr, cst.Name):
        values = assignments.get(expr.value) if assignments is not None else None
        if values and any(is_request_input(v) for v in values):
            return f"`{expr.value}`"
        found = name_values_unsafe(expr.value, assignments, **options)
        unsafe = found[0] if found is not None else None
    if not unsafe:
        return None
    return ", ".join(f"`{piece_label(p)}`" for p in unsafe[:3])
