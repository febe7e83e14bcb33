import hashlib
import hmac
import logging
from dataclasses import dataclass

import jwt
from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ingest.settings import settings

logger = logging.getLogger(__name__)
_bearer = HTTPBearer()


@dataclass(frozen=True)
class Device:
    id: str
    tenant_id: int


@dataclass(frozen=True)
class TenantUser:
    id: int
    tenant_id: int


async def authenticate_device(
    request: Request,
    x_device_id: str = Header(..., max_length=64),
    x_device_key: str = Header(..., max_length=128),
) -> Device:
    row = await request.app.state.pool.fetchrow(
        "SELECT tenant_id, key_digest FROM devices WHERE device_id = $1 AND revoked_at IS NULL",  # ok: SEC001
        x_device_id,
    )
    presented = hashlib.sha256(x_device_key.encode()).digest()  # ok: SEC009
    if row is None or not hmac.compare_digest(bytes(row["key_digest"]), presented):
        logger.warning("device authentication failed device_id=%s", x_device_id)
        raise HTTPException(status_code=401, detail="unknown device or invalid key")
    return Device(id=x_device_id, tenant_id=row["tenant_id"])


def tenant_user(creds: HTTPAuthorizationCredentials = Depends(_bearer)) -> TenantUser:
    try:
        claims = jwt.decode(
            creds.credentials,
            settings.jwt_public_key,
            algorithms=["RS256"],  # ok: SEC008
            audience="telemetry-api",
            options={"require": ["exp", "sub", "tenant"]},
        )
    except jwt.InvalidTokenError:
        raise HTTPException(status_code=401, detail="invalid or expired token")
    return TenantUser(id=int(claims["sub"]), tenant_id=int(claims["tenant"]))
