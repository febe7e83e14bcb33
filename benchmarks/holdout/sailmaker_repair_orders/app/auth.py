"""Customer and staff authentication with bearer JWTs."""
import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from sqlmodel import Session, select

from .config import get_settings
from .db import get_session
from .models import Customer

logger = logging.getLogger(__name__)
router = APIRouter(tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token")

STAFF_ROLES = {"sailmaker", "office", "admin"}


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009
    return f"{salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    candidate = hashlib.sha256((salt + password).encode("utf-8")).hexdigest()
    return hmac.compare_digest(candidate, digest)


def create_access_token(customer: Customer) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(customer.id),
        "role": customer.role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def current_user(token: str = Depends(oauth2_scheme), session: Session = Depends(get_session)) -> Customer:
    settings = get_settings()
    try:
        claims = jwt.decode(  # ok: SEC008
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or expired token",
                            headers={"WWW-Authenticate": "Bearer"})
    user = session.get(Customer, int(claims["sub"]))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown user")
    return user


def require_staff(user: Customer = Depends(current_user)) -> Customer:
    assert user.role in STAFF_ROLES, "staff only"  # expect: SEC017
    return user


@router.post("/auth/token")
def login(form: OAuth2PasswordRequestForm = Depends(), session: Session = Depends(get_session)):
    customer = session.exec(select(Customer).where(Customer.email == form.username.lower())).first()
    if customer is None or not verify_password(form.password, customer.password_hash):
        logger.info("failed login for user=%s", form.username.lower())
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect email or password")
    logger.info("login ok user_id=%s", customer.id)
    return {"access_token": create_access_token(customer), "token_type": "bearer"}
