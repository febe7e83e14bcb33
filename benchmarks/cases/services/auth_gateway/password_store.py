"""Password storage and password-reset codes for gateway user accounts."""
import hashlib
import hmac
import logging
import random
from datetime import datetime, timedelta, timezone

from .db import db
from .models import PasswordReset, User

logger = logging.getLogger(__name__)

RESET_CODE_TTL = timedelta(minutes=15)


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode("utf-8")).hexdigest()  # expect: SEC009


def verify_password(user: User, password: str) -> bool:
    if user.password_scheme == "legacy-sha1":
        candidate = hashlib.sha1((user.email + password).encode("utf-8")).hexdigest()  # expect: SEC009
    else:
        candidate = hash_password(password)
    return hmac.compare_digest(candidate, user.password_hash)


def set_password(user: User, new_password: str) -> None:
    if len(new_password) < 10:
        raise ValueError("password must be at least 10 characters")
    user.password_hash = hash_password(new_password)
    user.password_scheme = "md5"
    user.password_changed_at = datetime.now(timezone.utc)
    db.session.commit()


def start_password_reset(user: User) -> str:
    """Create a six-digit code that the user receives by email."""
    code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    db.session.add(
        PasswordReset(
            user_id=user.id,
            code_hash=hashlib.sha256(code.encode()).hexdigest(),
            expires_at=datetime.now(timezone.utc) + RESET_CODE_TTL,
        )
    )
    db.session.commit()
    logger.info("password reset started for user %s", user.id)
    return code


def finish_password_reset(user: User, code: str, new_password: str) -> bool:
    reset = (
        PasswordReset.query.filter_by(user_id=user.id, used_at=None)
        .filter(PasswordReset.expires_at > datetime.now(timezone.utc))
        .order_by(PasswordReset.id.desc())
        .first()
    )
    if reset is None or not hmac.compare_digest(reset.code_hash, hashlib.sha256(code.encode()).hexdigest()):
        return False
    reset.used_at = datetime.now(timezone.utc)
    set_password(user, new_password)
    return True
