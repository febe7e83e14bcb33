"""Caller identity: agency API keys for integrations, JWTs for the translator UI."""
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import asyncpg
import jwt
from fastapi import Depends, Header, HTTPException, status

from tm.db import get_conn
from tm.settings import get_settings

API_KEY_SQL = """
SELECT k.agency_id, k.scopes
FROM api_keys k
JOIN agencies a ON a.id = k.agency_id
WHERE k.key_digest = $1 AND k.revoked_at IS NULL AND a.suspended_at IS NULL
"""


@dataclass(frozen=True)
class Principal:
    agency_id: int
    subject: str
    scopes: frozenset[str]

    def can(self, scope: str) -> bool:
        return scope in self.scopes


@lru_cache(maxsize=1)
def _jwt_public_key() -> bytes:
    # a few hundred bytes of PEM, read once per process
    return Path(get_settings().jwt_public_key_path).read_bytes()


def _key_digest(raw_key: str) -> str:
    # API keys are 32 random bytes issued by us, so a plain digest is the lookup key
    return hashlib.sha256(raw_key.encode("ascii", "ignore")).hexdigest()  # ok: SEC009


async def current_principal(
    authorization: str | None = Header(default=None),
    x_api_key: str | None = Header(default=None),
    conn: asyncpg.Connection = Depends(get_conn),
) -> Principal:
    if x_api_key:
        row = await conn.fetchrow(API_KEY_SQL, _key_digest(x_api_key))
        if row is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid API key")
        return Principal(row["agency_id"], f"api-key:{row['agency_id']}", frozenset(row["scopes"]))

    if authorization and authorization.lower().startswith("bearer "):
        settings = get_settings()
        try:
            claims = jwt.decode(
                authorization[7:],
                _jwt_public_key(),
                algorithms=["RS256"],  # ok: SEC008
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                options={"require": ["exp", "sub", "agency_id"]},
            )
        except jwt.PyJWTError:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
        scopes = frozenset(str(claims.get("scope", "")).split())
        return Principal(int(claims["agency_id"]), str(claims["sub"]), scopes)

    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing credentials")


def require_scope(scope: str):
    async def _dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.can(scope):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"scope {scope} required")
        return principal

    return _dependency
