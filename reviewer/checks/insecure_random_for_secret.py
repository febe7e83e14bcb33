"""SEC010: the predictable `random` module used to make tokens, passwords or codes."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import findall
from reviewer.checks._security import AssignmentTrackingCheck, call_name, expr_name, identifier_words, string_value

_RANDOM_FUNCTIONS = frozenset({"random", "randint", "choice", "choices", "getrandbits", "sample", "randrange",
                               "randbytes", "uniform"})
_RANDOM_CALLERS = frozenset([f"random.{fn}" for fn in _RANDOM_FUNCTIONS]
                            + [f"random.Random().{fn}" for fn in _RANDOM_FUNCTIONS])
_SECRET_WORDS = frozenset({"token", "password", "passwd", "pwd", "passphrase", "secret", "otp", "totp", "nonce",
                           "salt", "pin", "apikey", "csrf", "sessionid", "sid", "passcode"})
_KEY_QUALIFIERS = frozenset({"api", "secret", "access", "private", "signing", "encryption", "session", "auth",
                             "client", "hmac", "license", "activation"})
# `code` is a secret only when it says what it unlocks: a reset code, an invite code, a coupon code.
_CODE_QUALIFIERS = frozenset({"verification", "verify", "otp", "reset", "confirm", "confirmation", "auth", "login",
                              "invite", "invitation", "sms", "email", "pin", "security", "access", "recovery",
                              "backup", "activation", "mfa", "coupon", "promo", "voucher", "discount", "referral",
                              "gift", "magic", "unlock", "signup", "registration", "one", "twofa", "pickup",
                              "share", "sharing", "locker", "door", "claim", "redeem", "download", "join"})
_COMPOUND_NOUNS = frozenset({"card", "cards", "code", "codes"})
_NOT_SECRET = frozenset({"length", "len", "size", "count", "delay", "timeout", "jitter", "index", "position", "seed",
                         "sample", "test", "mock", "fake", "pad", "eos", "bos", "unk", "mask", "next", "prev",
                         "sampled", "max", "min", "type", "tokens", "vocab"})
# Files that build tokenizers and samplers: there "token" is a word piece, not a credential.
_ML_MODULES = ("torch", "numpy", "tensorflow", "transformers", "jax", "sklearn", "nltk", "tokenizers", "tiktoken",
               "sentencepiece")


class InsecureRandomForSecret(AssignmentTrackingCheck):
    """The `random` module used to make tokens, passwords, OTPs, salts or reset codes.

    ## What it does
    Reports `random.random/randint/choice/choices/getrandbits/sample/randrange/randbytes/uniform` (also on
    a `random.Random()` instance) whose result is assigned to, passed as a keyword, or stored under a dict
    key named like a secret (`token`, `password`, `secret`, `otp`, `nonce`, `salt`, `pin`, `api_key`,
    `session_id`, `reset_code`, `invite_code`, `coupon_code`, `join_code` ...), or returned (directly or through a
    returned variable) from a function named like one (`generate_token`, `make_password`, `new_otp`).
    A value is followed one assignment back (`code = random.randint(...)` then `user.reset_code = code`).
    `code` counts when the name, the function or the file says what it unlocks (`reset_code`,
    `def reset_password`, `referral_codes.py`, `pickup/codes.py`, `routers/vouchers.py`, `giftcards.py`).

    ## Why is this bad?
    `random` is a Mersenne Twister: after 624 outputs an attacker can compute every past and future value,
    and a seed from the time can be guessed outright. Reset links, session ids and one-time codes made
    with it can be predicted and used to take over accounts. `secrets.token_urlsafe`,
    `secrets.choice` and `secrets.randbelow` (or `random.SystemRandom()`) draw from the OS's CSPRNG.

    ## Known limits
    A value whose name says nothing (`x = random.randint(...)` passed along and later used as a token) is
    not found. A bare `code` with nothing around it saying what it unlocks is not reported
    (`status_code`, `color_code` are usually test data).
    In modules that import ML libraries, `token` is taken to mean a word piece. Test files are skipped.
    """

    id = "SEC010"
    VALID = (
        """
import secrets
import string

ALPHABET = string.ascii_letters + string.digits

def generate_password(length: int = 16) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))  # ok: SEC010

def new_api_key() -> str:
    return secrets.token_urlsafe(32)  # ok: SEC010
""",
        """
import random
import time

def backoff(attempt: int) -> float:
    jitter = random.uniform(0, 1)  # ok: SEC010
    return min(30, 2 ** attempt) + jitter

def pick_server(servers):
    return random.choice(servers)  # ok: SEC010
""",
        """
import random

rng = random.SystemRandom()

def make_otp() -> str:
    return f"{rng.randint(0, 999_999):06d}"  # ok: SEC010
""",
    )
    INVALID = (
        """
import random
import string
from flask import Flask

app = Flask(__name__)

@app.post("/password-reset")
def request_reset():
    reset_token = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # expect: SEC010
    return {"sent": True, "debug": reset_token}
""",
        """
import random

def send_login_code(user, sms):
    otp = random.randint(100000, 999999)  # expect: SEC010
    sms.send(user.phone, f"Your code is {otp}")
    user.update(verification_code=str(random.randrange(10**6)))  # expect: SEC010
""",
        """
import random
import string

def generate_temp_password(length=12):
    chars = string.ascii_letters + string.digits
    password = ""
    for _ in range(length):
        password += random.choice(chars)  # expect: SEC010
    return password

def make_invite_token():
    value = random.getrandbits(128)  # expect: SEC010
    return f"{value:032x}"
""",
        """
import random
from django.http import JsonResponse

def reset_password(request):
    user = find_user(request.POST["email"])
    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    user.profile.reset_code = code
    user.profile.save()
    return JsonResponse({"sent": True})
""",
        # A code that lets whoever has it join a team.
        """
import random
import string

def _new_join_code():
    return "".join(random.choices(string.ascii_uppercase + string.digits, k=6))  # expect: SEC010
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._reported: set[int] = set()
        self._returned: dict[cst.FunctionDef, frozenset[str]] = {}
        self._ml: bool | None = None
        # The file's name and its folder's: `referral_codes.py`, `pickup/codes.py`; a plural names what each one
        # holds (`vouchers.py` is about a voucher).
        parts = self.ctx.path.replace("\\", "/").removesuffix(".py").split("/")
        words = [word for part in parts[-2:] for word in identifier_words(part)]
        # A compound written as one word: `giftcards.py` is about a gift card, `promocodes.py` about a promo code.
        words += [qualifier for word in words for qualifier in _CODE_QUALIFIERS
                  if word.startswith(qualifier) and word[len(qualifier):] in _COMPOUND_NOUNS]
        self._file_words = frozenset(words) | {word[:-1] for word in words if word.endswith("s")
                                               and not word.endswith("ss")}

    def _is_secret_name(self, name: str | None) -> bool:
        if not name:
            return False
        words = identifier_words(name)
        if not words or any(w in _NOT_SECRET for w in words):
            return False
        if self._ml is None:
            self._ml = self.ctx.imports_module(*_ML_MODULES)
        for index, word in enumerate(words):
            before = words[index - 1] if index else ""
            if word in _SECRET_WORDS and not (word == "token" and self._ml):
                return True
            if word == "key" and before in _KEY_QUALIFIERS:
                return True
            if word == "code" and (set(words) | self._context_words()) & _CODE_QUALIFIERS:
                return True
            if word == "id" and before == "session":
                return True
        return False

    def _context_words(self) -> frozenset[str]:
        """Words of the enclosing function's, the file's and its folder's names: `reset_password`, `referral_codes.py`,
        `pickup/codes.py`."""
        fn = self.ctx.function
        return self._file_words | (frozenset(identifier_words(fn.name.value)) if fn is not None else frozenset())

    def visit_Assign(self, node: cst.Assign) -> None:
        self._record(node)
        for target in node.targets:
            if self._is_secret_name(expr_name(target.target)) or self._is_returned(target.target):
                self._report_random_in(node.value)
                return

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._record(node)
        if node.value is not None and (self._is_secret_name(expr_name(node.target)) or self._is_returned(node.target)):
            self._report_random_in(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._record(node)
        if self._is_secret_name(expr_name(node.target)) or self._is_returned(node.target):
            self._report_random_in(node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and self._is_secret_name(node.keyword.value):
            self._report_random_in(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if self._is_secret_name(string_value(node.key)):
            self._report_random_in(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self._in_secret_function():
            self._report_random_in(node.value)

    def _in_secret_function(self) -> bool:
        fn = self.ctx.function
        return fn is not None and self._is_secret_name(fn.name.value)

    def _is_returned(self, target: cst.BaseExpression) -> bool:
        """Whether a local name is what a secret-making function returns (`value = ...; return f"{value}"`)."""
        if not isinstance(target, cst.Name) or not self._in_secret_function():
            return False
        fn = self.ctx.function
        if fn not in self._returned:
            names: set[str] = set()
            for ret in findall(fn.body, cst.Return):
                if isinstance(ret, cst.Return) and ret.value is not None:
                    names.update(n.value for n in findall(ret.value, cst.Name) if isinstance(n, cst.Name))
            self._returned[fn] = frozenset(names)
        return target.value in self._returned[fn]

    def _report_random_in(self, value: cst.BaseExpression) -> None:
        if self.ctx.is_test:
            return
        if isinstance(value, cst.Name):
            # `user.reset_code = code` where `code = f"{random.randint(...)}"` earlier in the function.
            assignments = self.assignments_here()
            for earlier in (assignments.get(value.value) if assignments is not None else None) or ():
                if not isinstance(earlier, cst.Name):
                    self._report_random_in(earlier)
            return
        for call in findall(value, cst.Call):
            if not isinstance(call, cst.Call) or call_name(call) not in _RANDOM_FUNCTIONS or id(call) in self._reported:
                continue
            qualified = self.ctx.qualify(call.func) or ""
            if qualified in _RANDOM_CALLERS:
                self._reported.add(id(call))
                self.report(call, f"`{qualified.replace('().', '.')}` makes a secret value: the `random` generator "
                                  "is predictable, so the value can be guessed and used by someone else.")
