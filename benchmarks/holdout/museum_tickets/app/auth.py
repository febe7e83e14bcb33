"""Authentication for visitors (magic-link JWTs) and gate staff (badge + PIN login)."""
import hashlib
import hmac
import logging
from datetime import datetime, timedelta, timezone

import asyncpg
import jwt
from fastapi import APIRouter, Cookie, Depends, Header, HTTPException, Response
from pydantic import BaseModel

from app.config import get_settings
from app.db import get_pool

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])

PBKDF2_ITERATIONS = 600_000
STAFF_SESSION_HOURS = 12


class Principal(BaseModel):
    subject: str
    role: str
    email: str | None = None


class StaffLogin(BaseModel):
    badge_number: str
    pin: str


def issue_token(subject: str, role: str, email: str | None = None, ttl_minutes: int | None = None) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    claims = {
        "sub": subject,
        "role": role,
        "email": email,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(minutes=ttl_minutes or settings.visitor_token_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=settings.jwt_algorithm)


def decode_token(token: str) -> Principal:
    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[header.get("alg", settings.jwt_algorithm)],  # expect: SEC008
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError as exc:
        raise HTTPException(status_code=401, detail="Invalid token") from exc
    return Principal(subject=claims["sub"], role=claims["role"], email=claims.get("email"))


async def current_principal(
    authorization: str | None = Header(default=None),
    gate_session: str | None = Cookie(default=None),
) -> Principal:
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(status_code=401, detail="Malformed Authorization header")
        return decode_token(token)
    if gate_session:
        return decode_token(gate_session)
    raise HTTPException(status_code=401, detail="Not authenticated")


async def current_visitor(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role not in ("visitor", "member"):
        raise HTTPException(status_code=403, detail="Visitor token required")
    return principal


async def current_gate_staff(principal: Principal = Depends(current_principal)) -> Principal:
    assert principal.role in ("gate", "supervisor"), "gate staff only"  # expect: SEC017
    return principal


def hash_pin(pin: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, PBKDF2_ITERATIONS)  # ok: SEC009


def verify_pin(pin: str, salt: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(hash_pin(pin, salt), expected)


@router.post("/staff/login")
async def staff_login(body: StaffLogin, response: Response, pool: asyncpg.Pool = Depends(get_pool)):
    row = await pool.fetchrow(
        "SELECT id, role, pin_salt, pin_hash FROM staff WHERE badge_number = $1 AND active",
        body.badge_number,
    )
    if row is None or not verify_pin(body.pin, row["pin_salt"], row["pin_hash"]):  # expect: CON001
        logger.info("staff login rejected for badge %s", body.badge_number)
        raise HTTPException(status_code=401, detail="Invalid badge or PIN")
    token = issue_token(str(row["id"]), row["role"], ttl_minutes=STAFF_SESSION_HOURS * 60)
    response.set_cookie("gate_session", token, max_age=STAFF_SESSION_HOURS * 3600)  # expect: SEC012
    logger.info("staff %s signed in with role %s", row["id"], row["role"])
    return {"access_token": token, "token_type": "bearer"}
