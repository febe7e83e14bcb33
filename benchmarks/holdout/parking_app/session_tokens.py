"""Refresh-token rotation for the driver mobile app."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from flask import Blueprint, current_app, jsonify, request

from .models import Driver, RefreshToken, db

bp = Blueprint("tokens", __name__, url_prefix="/auth/tokens")

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)


def _access_token(driver_id: int) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(driver_id), "iat": now, "exp": now + ACCESS_TTL, "aud": "parking-app"}
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm="HS256")


def verify_access_token(token: str) -> int:
    claims = jwt.decode(  # ok: SEC008
        token,
        current_app.config["JWT_SECRET"],
        algorithms=["HS256"],
        audience="parking-app",
    )
    return int(claims["sub"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


@bp.post("/refresh")
def rotate_refresh_token():
    presented = request.get_json(force=True).get("refresh_token", "")
    stored = (
        RefreshToken.query.filter_by(token_digest=_digest(presented), revoked=False)
        .with_for_update()
        .first()
    )
    if stored is None or stored.expires_at < datetime.now(timezone.utc):
        return jsonify(error="invalid refresh token"), 401

    stored.revoked = True
    new_token = secrets.token_hex(32)  # ok: SEC010
    db.session.add(
        RefreshToken(
            driver_id=stored.driver_id,
            token_digest=_digest(new_token),
            expires_at=datetime.now(timezone.utc) + REFRESH_TTL,
        )
    )
    db.session.commit()
    driver = db.session.get(Driver, stored.driver_id)
    return jsonify(access_token=_access_token(driver.id), refresh_token=new_token)
