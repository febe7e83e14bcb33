"""Authentication for merchants (API keys), couriers (app JWTs) and dispatchers (console sessions)."""
import hashlib
import hmac
import json
import logging
import pickle
import random
import string
from functools import lru_cache

import jwt
import redis
from fastapi import Cookie, Depends, Header, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import get_db
from .models import Courier, Merchant
from .settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
_redis = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)


@lru_cache(maxsize=1)
def _signing_keys() -> dict[str, str]:
    """kid -> PEM public key."""
    return json.loads(settings.jwt_public_keys)


def _claims_from(token: str) -> dict:
    header = jwt.get_unverified_header(token)  # ok: SEC008
    key = _signing_keys().get(header.get("kid", ""))
    if key is None:
        # Phones still on app 3.x send tokens minted before key rotation, without a kid.
        return jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    return jwt.decode(token, key, algorithms=["RS256"], audience=settings.jwt_audience, issuer=settings.jwt_issuer)


def current_courier(authorization: str = Header(...), db: Session = Depends(get_db)) -> Courier:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer token required")
    try:
        claims = _claims_from(token)
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
    if claims.get("role") != "courier":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "courier token required")
    courier = db.get(Courier, int(claims["sub"]))
    if courier is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown courier")
    return courier


def current_merchant(x_api_key: str = Header(...), db: Session = Depends(get_db)) -> Merchant:
    digest = hashlib.sha256(x_api_key.encode()).hexdigest()  # ok: SEC009
    merchant = db.scalar(select(Merchant).where(Merchant.api_key_hash == digest))
    if merchant is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid API key")
    return merchant


def hash_pin(pin: str) -> str:
    """Couriers sign in on a shared phone with their number and a six-digit PIN."""
    return hashlib.sha256(pin.encode()).hexdigest()  # expect: SEC009


def check_courier_pin(courier: Courier, pin: str) -> bool:
    return hmac.compare_digest(courier.pin_hash, hash_pin(pin))


def new_pairing_code(courier_id: int) -> str:
    """Six-digit code shown on the console to pair a courier's new phone."""
    code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
    _redis.setex(f"pair:{code}", 600, courier_id)
    log.info("pairing code issued for courier %s", courier_id)
    return code


def require_dispatcher(dispatch_session: str | None = Cookie(default=None)) -> dict:
    """Console sessions are written to Redis by the console login service."""
    if not dispatch_session:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in to the console")
    raw = _redis.get(f"console-session:{dispatch_session}")
    if raw is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "session expired")
    session = pickle.loads(raw)  # expect: SEC004
    if session.get("role") not in {"dispatcher", "admin"}:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "dispatchers only")
    return session


def require_admin(session: dict = Depends(require_dispatcher)) -> dict:
    if session.get("role") != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admins only")
    return session
