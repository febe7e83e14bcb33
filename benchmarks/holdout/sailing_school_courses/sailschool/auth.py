"""Bearer-token authentication against the school's identity provider.

Students and staff sign in through the hosted login page; the API only ever
sees RS256 access tokens and verifies them against the published JWKS.
"""
from __future__ import annotations

import logging

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sailschool.config import settings
from sailschool.database import get_session
from sailschool.models import Instructor, Student

logger = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=True)
_jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=3600, timeout=5)

STAFF_ROLES = frozenset({"staff", "admin"})


def token_claims(credentials: HTTPAuthorizationCredentials = Depends(_bearer)) -> dict:
    token = credentials.credentials
    try:
        header = jwt.get_unverified_header(token)  # ok: SEC008
        signing_key = _jwks.get_signing_key(header["kid"])
        return jwt.decode(
            token,
            signing_key.key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "iss"]},
        )
    except (jwt.PyJWTError, KeyError) as exc:
        logger.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token") from exc


def current_student(claims: dict = Depends(token_claims), session: Session = Depends(get_session)) -> Student:
    """Return the student for this token, creating the row on first sign-in."""
    subject = claims["sub"]
    student = session.scalar(select(Student).where(Student.subject == subject))
    if student is not None:
        return student

    student = Student(subject=subject, email=claims.get("email", ""), full_name=claims.get("name", ""))
    session.add(student)
    try:
        session.commit()  # ok: DB005
    except IntegrityError:
        # Two first requests from the same new user; the other one won.
        session.rollback()
        student = session.scalar(select(Student).where(Student.subject == subject))
    return student


def require_staff(claims: dict = Depends(token_claims)) -> dict:
    roles = set(claims.get("roles", []))
    if not roles & STAFF_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff only")
    return claims


def current_instructor(claims: dict = Depends(require_staff), session: Session = Depends(get_session)) -> Instructor:
    instructor = session.scalar(
        select(Instructor).where(Instructor.email == claims.get("email"), Instructor.active.is_(True))
    )
    if instructor is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "no active instructor record for this account")
    return instructor
