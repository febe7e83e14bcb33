"""Buyer and grower accounts: password login and bearer tokens."""

import hashlib
import hmac
import logging
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import get_settings
from ..db import get_db
from ..models import Account

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
bearer = HTTPBearer(auto_error=False)
settings = get_settings()


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def verify_password(password: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_password(password), stored_hash)


def create_access_token(account: Account) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(account.id),
        "role": account.role,
        "iat": now,
        "exp": now + timedelta(minutes=settings.jwt_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


@router.post("/token")
def login(form: OAuth2PasswordRequestForm = Depends(), db: Session = Depends(get_db)):
    account = db.scalar(select(Account).where(Account.email == form.username.lower(), Account.active.is_(True)))
    if account is None or not verify_password(form.password, account.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
    logger.info("account %s logged in", account.id)
    return {"access_token": create_access_token(account), "token_type": "bearer"}


def current_account(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    db: Session = Depends(get_db),
) -> Account:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    token = creds.credentials
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, settings.jwt_secret.get_secret_value(), algorithms=[header.get("alg", "HS256")])  # expect: SEC008
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from None
    account = db.get(Account, int(claims["sub"]))
    if account is None or not account.active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account disabled")
    return account


def require_buyer(account: Account = Depends(current_account)) -> Account:
    if account.role != "buyer" or account.buyer_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "buyer account required")
    return account


def require_grower(account: Account = Depends(current_account)) -> Account:
    if account.role not in ("grower", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "grower account required")
    return account
