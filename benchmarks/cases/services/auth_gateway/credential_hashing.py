"""Password hashing for gateway accounts with argon2, plus login throttling helpers."""
import hashlib
import logging
import random
import secrets
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from .db import db
from .models import User

logger = logging.getLogger(__name__)

_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)


def hash_password(password: str) -> str:
    return _hasher.hash(password)  # ok: SEC009


def verify_password(user: User, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return True


def avatar_cache_key(email: str) -> str:
    """Gravatar-style key: not a secret, only a stable identifier for the image cache."""
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()  # ok: SEC009


def api_key_fingerprint(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]  # ok: SEC009


def one_time_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010


def throttle_delay(failed_attempts: int) -> float:
    """Seconds to wait before answering a failed login; jitter spreads retries out."""
    base = min(2 ** failed_attempts, 30)
    return base + random.uniform(0, 0.5)  # ok: SEC010


def record_login(user: User) -> None:
    user.last_login_at = datetime.now(timezone.utc)
    db.session.commit()
