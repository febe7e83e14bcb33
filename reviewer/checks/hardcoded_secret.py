"""SEC005: a credential written in the source code."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path
from reviewer.checks._security import (
    SecurityCheck, call_name, dsn_with_password, expr_name, first_arg, identifier_words, is_placeholder_value,
    is_secret_name,    looks_generated, not_secret_words, secret_shape, string_value, url_with_password,
)
from reviewer.findings import Confidence

# Example and documentation code is written to be copied, with made-up credentials.
_EXAMPLE_PATH = re.compile(r"(^|/)(examples?|samples?|docs?|demos?)/")
# Settings meant for a developer's machine: a committed default there is a smaller problem.
# `settings_local.py`, `settings/dev.py`, `local_settings.py`: not `device_registry.py`.
_DEV_SETTINGS = re.compile(r"(^|/)([^/]*[_-])?(dev|develop|development|local)([_-][^/]*)?\.py$")
# A script that fills a developer's throwaway database (`scripts/seed_dev_data.py`): its passwords are fixtures.
_DEV_SEED_SCRIPT = re.compile(r"(^|/)(scripts?|bin|tools)/[^/]*(seed|fixture)[^/]*\.py$")
_ENV_READERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb", "decouple.config",
                          "environs.Env().str", "environ.Env()", "environ.Env().str"})
_ENV_CALL_NAMES = frozenset({"getenv", "get", "setdefault", "config", "str", "Env", "env"})
_AUTH_SCHEME = re.compile(r"^(bearer|basic|token|bot|apikey)\s+", re.IGNORECASE)
# "token" also names lexer and parser tokens (`token == "with"`): a token value must look generated.
_TOKEN_VALUE = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-.:+/=]{16,}")
_STRONGER_WORDS = frozenset({"password", "passwd", "passwrd", "passphrase", "pwd", "secret", "apikey", "key", "pass",
                             "authorization"})
# Names of something a person chooses and remembers: a word is as real a password as any.
_CHOSEN_WORDS = frozenset({"password", "passwd", "passwrd", "passphrase", "pwd", "pass", "secret"})
# A lowercase word or two (`"ollama"`, `"unused"`, `"local-gateway"`): what a client library is given when the
# service needs no key. Keys that services issue are generated: digits, mixed case, length.
_WORD_VALUE = re.compile(r"[a-z]+(?:[-_][a-z]+){0,3}")


def _word_for_a_key(text: str, name: str) -> bool:
    """A word-like value for an issued key or token (not a password or secret someone chose)."""
    return len(text) <= 24 and bool(_WORD_VALUE.fullmatch(text)) and not set(identifier_words(name)) & _CHOSEN_WORDS


class HardcodedSecret(SecurityCheck):
    """A password, token or key written in the source code.

    ## What it does
    By name: reports a non-placeholder string literal given to something named like a credential
    (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`, `apikey`, `SECRET_KEY`, `private_key`,
    `client_secret`, `access_key`, `Authorization` ...) in an assignment, an annotated assignment, an
    attribute or `config["..."]` item, a keyword argument, a dict key, a parameter default, or an `==`
    comparison (also a literal decoded into key bytes: `bytes.fromhex("9f2c...")`, `base64.b64decode(...)`,
    `"...".encode()`); and an environment read with a secret fallback (`os.environ.get("SECRET_KEY", "dev")`,
    medium confidence). Names that describe a secret rather than hold it (`password_field`,
    `token_url`, `SECRET_NAME`, `api_key_header`, `TOKEN_CACHE_KEY`: where a token is kept) are ignored, and so
    are placeholders: empty or very short
    values, `changeme`, `xxx`, `<...>`, `${...}`, `%(...)s`, `your-api-key-here`, env var names, paths,
    URLs, sentences, hashes, regular expressions, and a lowercase word or two for an API key or token
    (`api_key="ollama"`, `"unused"`: what a client is given when the service needs no key; issued keys are
    generated, while a password that is a word is still a password). A name that says only `token` (lexer and parser tokens
    share the word) needs a generated-looking value of 16+ letters and digits; any other `*_KEY`
    (`PROVISIONING_KEY`) is reported when its value looks generated, except public, database, cache and
    KMS keys.

    By shape, whatever the name: AWS access key ids (`AKIA...`), private key blocks, GitHub tokens
    (`ghp_...`), Slack tokens (`xox?-...`) and webhook URLs, Stripe live keys (`sk_live_...`), Google API
    keys (`AIza...`), OpenAI/Anthropic keys, and connection URLs or `key=value` connection strings
    (`host=... password=...`) with a real-looking password for a non-local host (medium confidence); a one-word
    host (`@db:5432`, a compose service) only when the password is made like a real one (`Gr4ntM3Acc3ss`).

    ## Why is this bad?
    Everyone who can read the repository, its forks, CI logs and every built image has the credential,
    forever: git history keeps it after it is deleted. Rotating it needs a code change and a deploy, so it
    is rarely rotated, and the same value ends up in every environment. Read secrets from the environment
    or a secret manager, and fail at start-up when they are missing instead of falling back to a default.

    ## Known limits
    Name-based findings are skipped in test files, in example/docs folders, in seed scripts
    (`scripts/seed_dev_data.py`: they fill a developer's throwaway database) and inside documentation
    examples (`json_schema_extra`, `examples=`, `openapi_examples`) and configuration classes for a laptop
    or a test run (`class DevelopmentConfig(BaseConfig)`, `TestingConfig`), and have medium confidence
    in dev/local settings modules. Shape-based findings are kept in test files, since a live key committed
    anywhere is leaked; documentation keys (`AKIAIOSFODNN7EXAMPLE`) and padded fakes are ignored. Secrets
    with no telling name or shape (`x = "hunter2"`), values shorter than three characters, and secrets
    inside f-strings, bytes or non-string literals are not found.
    """

    id = "SEC005"
    VALID = (
        # A value that says it is not a secret is a placeholder for a laptop's settings.
        """
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-dev-only-not-a-secret")  # ok: SEC005
""",
        # The class the app selects on a laptop; the production class requires the variable.
        """
import os

class BaseConfig:
    SESSION_COOKIE_SECURE = True

class DevelopmentConfig(BaseConfig):
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "studio-dev")  # ok: SEC005

class ProductionConfig(BaseConfig):
    SECRET_KEY = os.environ["SECRET_KEY"]
""",
        """
import os

from openai import OpenAI

# The local model server takes any key; the client library insists on one.
local_llm = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")  # ok: SEC005
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "unused")  # ok: SEC005
# The Redis key the fetched token is kept under.
TOKEN_CACHE_KEY = "bureau-one:access-token"  # ok: SEC005
""",
        """
import os

SECRET_KEY = os.environ["SECRET_KEY"]  # ok: SEC005
DATABASE_PASSWORD = os.getenv("DATABASE_PASSWORD")  # ok: SEC005
STRIPE_API_KEY = ""  # ok: SEC005
PASSWORD_FIELD = "password"  # ok: SEC005
TOKEN_URL = "https://auth.example.com/oauth/token"  # ok: SEC005
API_KEY_HEADER = "X-API-Key"  # ok: SEC005
""",
        """
from pydantic import BaseModel, Field

class LoginForm(BaseModel):
    username: str
    password: str = Field(..., min_length=12)  # ok: SEC005

def signup_errors():
    return {"password": "This password is too common."}  # ok: SEC005
""",
        """
import boto3

def client():
    # AWS documentation example values, not credentials
    return boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",  # ok: SEC005
                        aws_secret_access_key="<your-secret-key>")  # ok: SEC005
""",
        """
from sqlalchemy import create_engine

engine = create_engine("postgresql://app:app@db:5432/app")  # ok: SEC005
compose = create_engine("postgresql://app:app_pw_1@db:5432/app")  # ok: SEC005
local = create_engine("postgresql://postgres:s3cretpw@localhost/app")  # ok: SEC005
config = {"api_key": "${API_KEY}", "client_secret": "your-client-secret-here"}  # ok: SEC005
""",
        """
from pydantic import BaseModel, ConfigDict

class LoginRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "ada@example.com",
                                                               "password": "Sup3rSecret!"}]})  # ok: SEC005
    email: str
    password: str
""",
        """
from openai import OpenAI

def make_client(api_key: str):
    tokenizer_pad_token = "[PAD]"  # ok: SEC005
    return OpenAI(api_key=api_key)  # ok: SEC005
""",
    )
    INVALID = (
        """
import os

from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "f3a9c2e1b7d84c0e9a6b5d2c1e8f7a90"  # expect: SEC005
app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://billing:Xk29fLq7vT@prod-db.internal.acme.io/billing"  # expect: SEC005
app.config["CELERY_RESULT_BACKEND"] = "redis://:Hq8vLw2xPz@cache.internal.acme.io:6379/1"  # expect: SEC005
app.config["REPORTS_DATABASE_URI"] = os.environ.get(
    "REPORTS_DATABASE_URL", "postgresql://reports:Gr4ntM3Acc3ss@db:5432/reports")  # expect: SEC005
""",
        """
import psycopg2

def connect():
    return psycopg2.connect(host="db.acme.io", user="reporting", password="R3p0rt!ng2024")  # expect: SEC005
""",
        """
import os
import stripe

# (the fake keys in these examples are split so that secret scanners do not flag this file)
stripe.api_key = "sk_live_" "51Hx9QvKd82LmZpRt6YwBn3Jc"  # expect: SEC005
SECRET_KEY = os.environ.get("SECRET_KEY", "dev")  # expect: SEC005
""",
        """
import requests

HEADERS = {"Authorization": "Bearer 9f8e7d6c5b4a39281716a5b4c3d2e1f0"}  # expect: SEC005

def charge(amount):
    return requests.post("https://api.pay.io/charges", json={"amount": amount}, headers=HEADERS, timeout=5)
""",
        """
from app.models import User

def is_backdoor_login(username, password):
    return username == "support" and password == "Summer2024!"  # expect: SEC005

AWS_KEYS = ("AKIA4QZ7" "XK2M9PLR3VNB", "wJalrXUtnFEMI/K7MDENG")  # expect: SEC005
""",
        """
class Settings:
    def __init__(self, db_password="hunter2hunter2"):  # expect: SEC005
        self.db_password = db_password
        self.github_token = "ghp_R8kLm2Qx7VbN" "4pZt9WcY3sHj6DfG1aEu5Ko0"  # expect: SEC005
""",
        """
KEY_ENCRYPTION_KEY = bytes.fromhex("9f2c7e41d8a35b60f1e2c4d7a8b9c0de13f5e7a9b2c4d6e8f0a1b3c5d7e9f1a2")  # expect: SEC005
WEBHOOK_SECRET = "whsec_Lk29Vb71QmZx84RtPw03".encode()  # expect: SEC005
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        path = ctx.path.replace("\\", "/")
        self._names_count = not ctx.is_test and not _EXAMPLE_PATH.search(path) and not _DEV_SEED_SCRIPT.search(path)
        self._name_confidence = Confidence.medium if _DEV_SETTINGS.search(path) else None
        self._reported: set[int] = set()
        # Inside documentation examples (`json_schema_extra={"examples": [{"password": "..."}]}`), names
        # say nothing about real credentials.
        self._example_depth = 0
        self._dev_class_depth = 0  # inside `class DevelopmentConfig(BaseConfig):` (or a test or local one)

    # --- by name ----------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._by_name(node, expr_name(target.target), node.value)
        self._example_depth += _is_example(node)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self._example_depth -= _is_example(original_node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._by_name(node, expr_name(node.target), node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._by_name(node, node.keyword.value, node.value)
        self._example_depth += _is_example(node)

    def leave_Arg(self, original_node: cst.Arg) -> None:
        self._example_depth -= _is_example(original_node)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._by_name(node, string_value(node.key), node.value)
        self._example_depth += _is_example(node)

    def leave_DictElement(self, original_node: cst.DictElement) -> None:
        self._example_depth -= _is_example(original_node)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._by_name(node, node.name.value, node.default)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            if isinstance(target.operator, (cst.Equal, cst.NotEqual)):
                self._by_name(node, expr_name(left), target.comparator)
                self._by_name(node, expr_name(target.comparator), left)
            left = target.comparator

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._dev_class_depth += _is_dev_config(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._dev_class_depth -= _is_dev_config(original_node)

    def _by_name(self, node: cst.CSTNode, name: str | None, value: cst.BaseExpression,
                 confidence: Confidence | None = None) -> None:
        if not self._names_count or not name or self._example_depth or self._dev_class_depth:
            return
        text = string_value(_decoded_literal(value))
        if text is None:
            return
        if not is_secret_name(name):
            # `PROVISIONING_KEY = "prov-3f9c1a7e..."`: any *_KEY holding a generated-looking value.
            if _is_key_name(name) and not is_placeholder_value(text, name) and looks_generated(text):
                self._report(node, f"`{name}` is set to a generated-looking key: everyone who can read the code "
                                   "has it, and rotating it needs a code change.", confidence or self._name_confidence)
            return
        if "authorization" in identifier_words(name):
            if not _AUTH_SCHEME.match(text):
                return
            text = _AUTH_SCHEME.sub("", text)
        if is_placeholder_value(text, name) or _word_for_a_key(text, name):
            return
        if not set(identifier_words(name)) & _STRONGER_WORDS and not _TOKEN_VALUE.fullmatch(text):
            return
        self._report(node, f"`{name}` is set to a string literal: everyone who can read the code has this "
                           "credential, and rotating it needs a code change.",
                     confidence or self._name_confidence)

    # --- environment reads with a secret fallback ---------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self._names_count or self._dev_class_depth or call_name(node) not in _ENV_CALL_NAMES:
            return
        qualified = self.ctx.qualify(node.func) or ""
        if qualified not in _ENV_READERS and not qualified.startswith("environ.Env()"):
            return
        variable = string_value(first_arg(node, "key"))
        default = first_arg(node, "default", position=1)
        if default is None:
            default = next((a.value for a in node.args if a.keyword and a.keyword.value == "default"), None)
        if variable is None or default is None:
            return
        text = string_value(default)
        if (text is None or not is_secret_name(variable) or is_placeholder_value(text, variable)
                or _word_for_a_key(text, variable)):
            return
        if not set(identifier_words(variable)) & _STRONGER_WORDS and not _TOKEN_VALUE.fullmatch(text):
            return
        self._report(node, f"`{variable}` falls back to a string literal when the environment lacks it: a "
                           "deploy that forgets the variable runs with a secret everyone can read.",
                     Confidence.medium)

    # --- by shape -----------------------------------------------------------
    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._by_shape(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._by_shape(node)

    def _by_shape(self, node: cst.BaseExpression) -> None:
        if isinstance(node, cst.SimpleString) and len(node.value) < 18:
            return
        text = string_value(node)
        if not text or len(text) < 16:
            return
        label = secret_shape(text)
        if label is not None:
            self._report(node, f"The string contains {label}: everyone who can read the code can use it, and "
                               "git history keeps it after it is deleted.", None)
        elif self._names_count and (url_with_password(text) or dsn_with_password(text)):
            self._report(node, "The connection string contains a password: everyone who can read the code can "
                               "log in to that service.", Confidence.medium)

    def _report(self, node: cst.CSTNode, message: str, confidence: Confidence | None) -> None:
        line = self.line_of(node)
        if line not in self._reported:
            self._reported.add(line)
            self.report(node, message, confidence=confidence)


# The configuration classes a Flask or plain-Python app selects for a laptop or a test run; the production class
# beside them is judged as usual.
_DEV_CONFIG_WORDS = frozenset({"dev", "develop", "development", "local", "test", "testing"})


def _is_dev_config(node: cst.ClassDef) -> bool:
    words = identifier_words(node.name.value)
    return bool(set(words) & _DEV_CONFIG_WORDS) and bool(set(words) & {"config", "settings"})


_EXAMPLE_NAMES = frozenset({"example", "examples", "openapi_examples", "json_schema_extra", "schema_extra",
                            "openapi_extra"})


# Calls that turn a literal into key bytes: the secret is still the literal.
_DECODERS = frozenset({"bytes.fromhex", "base64.b64decode", "base64.urlsafe_b64decode", "base64.b32decode",
                       "binascii.unhexlify", "binascii.a2b_hex", "codecs.decode"})


def _decoded_literal(value: cst.BaseExpression) -> cst.BaseExpression:
    """`bytes.fromhex("9f2c...")`, `base64.b64decode("...")`, `"...".encode()` -> the literal inside."""
    if not isinstance(value, cst.Call):
        return value
    func = value.func
    if isinstance(func, cst.Attribute) and func.attr.value == "encode" and isinstance(
            func.value, (cst.SimpleString, cst.ConcatenatedString)):
        return func.value
    if (attribute_path(func) or "") in _DECODERS and value.args and value.args[0].keyword is None:
        return value.args[0].value
    return value


def _is_example(node: cst.Assign | cst.Arg | cst.DictElement) -> bool:
    if isinstance(node, cst.Arg):
        name = node.keyword.value if node.keyword is not None else None
    elif isinstance(node, cst.DictElement):
        name = string_value(node.key)
    else:
        name = next((expr_name(t.target) for t in node.targets), None)
    return name in _EXAMPLE_NAMES


# Keys that are not secrets: public keys, database keys, cache and routing keys, KMS key ids.
_PUBLIC_KEY_KINDS = frozenset({"public", "pub", "primary", "foreign", "sort", "partition", "cache", "idempotency",
                               "dedupe", "dedup", "redis", "s3", "object", "group", "routing", "shard", "dict", "map",
                               "row", "unique", "composite", "natural", "surrogate", "registry", "kms", "gpg", "pgp",
                               "fingerprint", "lock", "translation", "i18n", "sentry", "posthog", "analytics",
                               "publishable", "site", "recaptcha"})


def _is_key_name(name: str) -> bool:
    words = identifier_words(name)
    return (len(words) > 1 and words[-1] in ("key", "keys") and not not_secret_words(words)
            and not set(words) & _PUBLIC_KEY_KINDS)
