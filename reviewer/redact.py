"""Mask secret-looking literals before code goes into a prompt, the cache or a report."""

from __future__ import annotations

import re

# Value shapes that are credentials whatever they are called (the same families secret scanners know).
_SHAPES = re.compile(
    r"AKIA[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|github_pat_[A-Za-z0-9_]{30,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"
    r"|AIza[0-9A-Za-z_\-]{35}"
    r"|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
_SECRET_NAME = r"[A-Za-z0-9_]*(?:password|passwd|pwd|secret|token|api_?key|apikey|private_?key|access_?key|credential|auth)[A-Za-z0-9_]*"
# name = "value", name: "value", "name": "value" (code, YAML, JSON)
_ASSIGNED = re.compile(
    rf"""(?P<name>["']?{_SECRET_NAME}["']?\s*(?:=|:)\s*)(?P<quote>["'])(?P<value>[^"'\s]{{4,}})(?P=quote)""",
    re.IGNORECASE,
)
# NAME=value unquoted, as in env files, Dockerfiles and compose lists: upper-case names only, so Python's
# `password=pw_variable` keyword arguments are left alone.
_ENV_STYLE = re.compile(
    r"(?P<name>\b[A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)"
    r"[A-Z0-9_]*=)(?P<quote>)(?P<value>[A-Za-z0-9_\-+/=!@#$%^&*~]{4,})"
)
# os.environ.get("API_TOKEN", "fallback"): the fallback is a hard-coded secret too
_ENV_FALLBACK = re.compile(
    r"""(?P<name>(?:getenv|environ\.get)\(\s*["'][^"']*(?:SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL)[^"']*["']\s*,\s*)"""
    r"""(?P<quote>["'])(?P<value>[^"']{4,})(?P=quote)""",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s]+:)(?P<value>[^@/\s]{3,})(?P<tail>@)", re.IGNORECASE)
# Values that are not secrets: placeholders, environment look-ups, template variables.
_PLACEHOLDER = re.compile(r"^(?:\$\{?|%\(|\{\{|<|os\.|env|getenv|none|null|true|false|changeme|xxx+|\*+)", re.IGNORECASE)


def mask_value(value: str) -> str:
    """Keep a hint of the value's shape, never enough of it to use: `sk_l…(31 chars)`."""
    return f"{value[:4]}…({len(value)} chars)" if len(value) > 8 else "…"


def mask_secrets(text: str) -> str:
    """The text with secret-looking literals masked; everything else unchanged."""
    def assigned(match: re.Match[str]) -> str:
        value = match.group("value")
        if _PLACEHOLDER.match(value) or value.isdigit():
            return match.group(0)
        quote = match.group("quote")
        return f"{match.group('name')}{quote}{mask_value(value)}{quote}"

    text = _SHAPES.sub(lambda m: mask_value(m.group(0)), text)
    text = _ASSIGNED.sub(assigned, text)
    text = _ENV_STYLE.sub(assigned, text)
    text = _ENV_FALLBACK.sub(assigned, text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{mask_value(m.group('value'))}{m.group('tail')}", text)
