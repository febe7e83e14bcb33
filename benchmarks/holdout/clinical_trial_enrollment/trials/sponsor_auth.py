"""Machine-to-machine auth for sponsor systems calling our API.

Sponsors sign RS256 tokens with keys published in the gateway's JWKS. The
unverified header is read only to pick the key by `kid`.
"""
import asyncio
import logging
import time

import httpx
import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from trials.settings import get_settings

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)

JWKS_MAX_AGE = 3600
JWKS_MIN_REFRESH_INTERVAL = 60


class _JwksCache:
    def __init__(self, url: str):
        self._url = url
        self._keys: dict[str, object] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0)) as client:  # ok: REL001
            resp = await client.get(self._url)
            resp.raise_for_status()
            jwks = resp.json()
        self._keys = {  # ok: RES002
            k["kid"]: jwt.algorithms.RSAAlgorithm.from_jwk(k)
            for k in jwks.get("keys", [])
            if k.get("kty") == "RSA" and "kid" in k
        }
        self._fetched_at = time.monotonic()

    async def key_for(self, kid: str):
        age = time.monotonic() - self._fetched_at
        if kid in self._keys and age < JWKS_MAX_AGE:
            return self._keys[kid]
        async with self._lock:  # ok: CON002
            age = time.monotonic() - self._fetched_at
            if (kid not in self._keys and age > JWKS_MIN_REFRESH_INTERVAL) or age >= JWKS_MAX_AGE:
                await self._refresh()
        return self._keys.get(kid)


_jwks = _JwksCache(str(get_settings().sponsor_jwks_url))


async def sponsor_claims(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> dict:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    token = creds.credentials
    try:
        kid = jwt.get_unverified_header(token).get("kid")  # ok: SEC008
    except jwt.PyJWTError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "malformed token") from exc
    if not kid:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "token has no kid")

    try:
        key = await _jwks.key_for(kid)
    except httpx.HTTPError:
        log.exception("could not refresh sponsor JWKS")
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "key service unavailable")
    if key is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown signing key")

    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            options={"require": ["exp", "iat", "iss", "sub"]},
        )
    except jwt.PyJWTError as exc:
        log.info("sponsor token rejected for kid=%s: %s", kid, type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    if not str(claims["iss"]).startswith("https://sponsor-gw.medsci.example/"):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unexpected issuer")
    return claims
