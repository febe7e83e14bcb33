import time
from uuid import UUID

import jwt
from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from ledger.db import pool

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
_bearer = HTTPBearer()

_revoked_token_ids: set[str] = set()  # expect: SCL001


class Account(BaseModel):
    id: int
    scopes: list[str]
    token_id: str
    expires_at: int


def current_account(creds: HTTPAuthorizationCredentials = Depends(_bearer)) -> Account:
    try:
        claims = jwt.decode(creds.credentials, options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError:
        raise HTTPException(status_code=401, detail={"code": "invalid_token", "message": "token could not be read"})
    if claims.get("exp", 0) < time.time() or claims.get("jti") in _revoked_token_ids:
        raise HTTPException(status_code=401, detail={"code": "expired_token", "message": "token expired or revoked"})
    return Account(
        id=int(claims["sub"]),
        scopes=str(claims.get("scope", "")).split(),
        token_id=str(claims.get("jti", "")),
        expires_at=int(claims["exp"]),
    )


def ensure_wallet_owner(account: Account, wallet_id: UUID) -> None:
    with pool.connection() as conn:
        row = conn.execute("SELECT owner_id FROM wallets WHERE id = %s", (wallet_id,)).fetchone()
    if row is None or row[0] != account.id:
        raise HTTPException(status_code=404, detail={"code": "wallet_not_found", "message": "wallet not found"})


@router.post("/logout", status_code=204)
def logout(account: Account = Depends(current_account)) -> None:
    _revoked_token_ids.add(account.token_id)  # expect: CON002
