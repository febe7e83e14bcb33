"""Authentication dependencies: customer and staff JWTs, wash-bay device tokens."""
import hmac

import jwt
from fastapi import Depends, Header, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .config import get_settings

_bearer = HTTPBearer()


def _decode(token: str) -> dict:
    settings = get_settings()
    try:
        return jwt.decode(  # ok: SEC008
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="invalid or expired token",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None


async def get_current_customer_id(creds: HTTPAuthorizationCredentials = Depends(_bearer)) -> int:
    claims = _decode(creds.credentials)
    return int(claims["sub"])


async def require_staff(creds: HTTPAuthorizationCredentials = Depends(_bearer)) -> int:
    claims = _decode(creds.credentials)
    if claims.get("role") != "staff":
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="staff only")
    return int(claims["sub"])


async def require_bay_device(x_bay_token: str = Header(...)) -> None:
    """Wash-bay terminals authenticate with a shared device token header."""
    expected = get_settings().bay_device_token.get_secret_value()
    if not expected or not hmac.compare_digest(x_bay_token.encode(), expected.encode()):
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="unknown bay device")
