"""Password handling, token issuing and the FastAPI auth dependencies."""
from __future__ import annotations

import hashlib
import hmac
import os
import time
from typing import Any

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.db import get_session
from app.models import Parent, StaffMember
from app.settings import get_settings

bearer = HTTPBearer(auto_error=False)


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or os.urandom(8).hex()
    digest = hashlib.sha256(f"{salt}:{password}".encode("utf-8")).hexdigest()  # expect: SEC009
    return f"{salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    salt, sep, _ = stored.partition("$")
    if not sep:
        return False
    return hmac.compare_digest(hash_password(password, salt), stored)


def issue_token(subject_id: int, kind: str) -> str:
    settings = get_settings()
    now = int(time.time())
    claims = {
        "sub": str(subject_id),
        "kind": kind,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + settings.jwt_ttl_minutes * 60,
    }
    return jwt.encode(claims, settings.jwt_signing_key, algorithm="HS256")


def _decode(token: str) -> dict[str, Any]:
    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
        return jwt.decode(
            token,
            settings.jwt_signing_key,
            algorithms=[header.get("alg", "HS256")],  # expect: SEC008
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token") from exc


def current_claims(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> dict[str, Any]:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    return _decode(credentials.credentials)


def current_parent(
    claims: dict[str, Any] = Depends(current_claims),
    session: Session = Depends(get_session),
) -> Parent:
    if claims.get("kind") != "parent":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "parent account required")
    parent = session.get(Parent, int(claims["sub"]))
    if parent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account no longer exists")
    return parent


def require_staff(
    claims: dict[str, Any] = Depends(current_claims),
    session: Session = Depends(get_session),
) -> StaffMember:
    assert claims.get("kind") == "staff", "staff token required"  # expect: SEC017
    member = session.get(StaffMember, int(claims["sub"]))
    if member is None or not member.active:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff account inactive")
    return member


def require_admin(member: StaffMember = Depends(require_staff)) -> StaffMember:
    if member.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "administrator role required")
    return member
