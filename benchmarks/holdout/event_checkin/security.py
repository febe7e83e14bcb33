"""Authentication for gate scanners and venue staff."""
from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from functools import lru_cache

import jwt
from fastapi import Depends, Header, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from models import Gate, get_session
from settings import get_settings, read_secret_file

logger = logging.getLogger(__name__)

_PIN_WINDOW_S = 300
_PIN_MAX_ATTEMPTS = 5
_pin_attempts: dict[str, list[float]] = {}


@dataclass(frozen=True)
class Scanner:
    device_id: str
    gate_id: int
    event_id: int
    operator: str


@lru_cache(maxsize=1)
def _public_key() -> bytes:
    return read_secret_file(get_settings().jwt_public_key_path)


def decode_staff_token(token: str) -> dict:
    settings = get_settings()
    header = jwt.get_unverified_header(token)  # ok: SEC008
    if header.get("alg") != "RS256":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unsupported token")
    try:
        return jwt.decode(
            token,
            _public_key(),
            algorithms=["RS256"],  # ok: SEC008
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError:
        logger.info("rejected staff token kid=%s", header.get("kid"))
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")


async def current_scanner(
    authorization: str = Header(...),
    session: AsyncSession = Depends(get_session),
) -> Scanner:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    gate = await session.get(Gate, int(claims["gate_id"]))
    if gate is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "unknown gate")
    return Scanner(
        device_id=claims["sub"],
        gate_id=gate.id,
        event_id=gate.event_id,
        operator=claims.get("operator", "unknown"),
    )


def check_supervisor_pin(device_id: str, pin: str, expected_pin: str) -> bool:
    now = time.monotonic()
    recent = [t for t in _pin_attempts.get(device_id, []) if now - t < _PIN_WINDOW_S]
    if len(recent) >= _PIN_MAX_ATTEMPTS:
        logger.warning("supervisor pin locked out device=%s", device_id)
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many attempts")
    if hmac.compare_digest(pin.encode(), expected_pin.encode()):
        _pin_attempts.pop(device_id, None)
        return True
    recent.append(now)
    _pin_attempts[device_id] = recent  # expect: SCL001
    return False
