"""Caller identity (JWT from the ExpoHub identity service) and ownership checks."""
import logging
from dataclasses import dataclass
from typing import FrozenSet, Optional

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.config import settings
from expo.db import get_db
from expo.models import Exhibitor

logger = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    user_id: int
    roles: FrozenSet[str]

    @property
    def is_organizer(self) -> bool:
        return "organizer" in self.roles


def current_principal(
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer),
) -> Principal:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    try:
        claims = jwt.decode(  # ok: SEC008
            credentials.credentials,
            settings.jwt_public_key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError as exc:
        logger.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    return Principal(user_id=int(claims["sub"]), roles=frozenset(claims.get("roles", [])))


def require_organizer(principal: Principal = Depends(current_principal)) -> Principal:
    if not principal.is_organizer:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "organizer role required")
    return principal


def exhibitor_for_principal(exhibitor_id: int, db: Session, principal: Principal) -> Exhibitor:
    """Load an exhibitor the caller may act for, or 404 (never 403, to not leak ids)."""
    stmt = select(Exhibitor).where(Exhibitor.id == exhibitor_id)
    if not principal.is_organizer:
        stmt = stmt.where(Exhibitor.owner_user_id == principal.user_id)  # ok: SEC018
    exhibitor = db.scalars(stmt).one_or_none()
    if exhibitor is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "exhibitor not found")
    return exhibitor


def owned_exhibitor(
    exhibitor_id: int,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
) -> Exhibitor:
    """Dependency form of exhibitor_for_principal for routes with {exhibitor_id}."""
    return exhibitor_for_principal(exhibitor_id, db, principal)
