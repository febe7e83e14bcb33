"""Driver login, bearer-token authentication and password reset codes."""
import random
import string
from datetime import datetime, timedelta, timezone

import jwt
from flask import Blueprint, current_app, jsonify, request
from werkzeug.security import check_password_hash

from .models import Driver, PasswordReset, db
from .tasks import send_reset_sms

bp = Blueprint("auth", __name__, url_prefix="/auth")

TOKEN_TTL = timedelta(hours=12)


def issue_token(driver: Driver) -> str:
    claims = {"sub": str(driver.id), "exp": datetime.now(timezone.utc) + TOKEN_TTL}
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm="HS256")


def current_driver() -> Driver | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ")
    claims = jwt.decode(  # expect: SEC008
        token,
        current_app.config["JWT_SECRET"],
        algorithms=["HS256"],
        options={"verify_signature": False},
    )
    return db.session.get(Driver, int(claims["sub"]))


@bp.post("/login")
def login():
    body = request.get_json(force=True)
    driver = Driver.query.filter_by(email=body.get("email", "").lower()).first()
    if driver is None or not check_password_hash(driver.password_hash, body.get("password", "")):
        return jsonify(error="invalid credentials"), 401
    return jsonify(token=issue_token(driver), expires_in=int(TOKEN_TTL.total_seconds()))


@bp.post("/password-reset")
def request_password_reset():
    body = request.get_json(force=True)
    driver = Driver.query.filter_by(email=body.get("email", "").lower()).first()
    if driver is not None:
        code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
        db.session.add(
            PasswordReset(
                driver_id=driver.id,
                code=code,
                expires_at=datetime.now(timezone.utc) + timedelta(minutes=15),
            )
        )
        db.session.commit()
        send_reset_sms.delay(driver.phone, code)
    return jsonify(status="if the account exists, a code was sent"), 202
