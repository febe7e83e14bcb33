"""Password reset: e-mail a single-use link, then let the user set a new password."""
import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import redis
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.security import generate_password_hash

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("password_reset", __name__, url_prefix="/password")

TOKEN_TTL = timedelta(hours=1)
MAX_REQUESTS_PER_HOUR = 3


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()  # ok: SEC009


@bp.record_once
def _init_limiter(state) -> None:
    """Create the Redis client once, when the blueprint is registered on the app."""
    state.app.extensions["reset_limiter"] = redis.Redis.from_url(
        state.app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2  # ok: REL001
    )


def _limiter() -> redis.Redis:
    return current_app.extensions["reset_limiter"]


def _over_limit(email: str) -> bool:
    key = f"pwreset:{_digest(email)}"
    try:
        pipe = _limiter().pipeline()
        pipe.incr(key)
        pipe.expire(key, 3600)
        count, _ = pipe.execute()
    except redis.RedisError:
        logger.warning("reset rate limiter unavailable, allowing request", exc_info=True)
        return False
    return count > MAX_REQUESTS_PER_HOUR  # ok: SCL001


def _send_reset_email(to_addr: str, link: str) -> None:
    cfg = current_app.config
    msg = EmailMessage()
    msg["Subject"] = "Reset your school portal password"
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to_addr
    msg.set_content(f"Use this link within one hour to choose a new password:\n\n{link}\n")
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:  # ok: REL001, RES001
        smtp.starttls()
        if cfg["SMTP_USER"]:
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(msg)


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    if request.method == "GET":
        return render_template("password/forgot.html")
    email = request.form.get("email", "").strip().lower()
    if _over_limit(email):
        flash("Too many reset requests, please try again later.")
        return render_template("password/forgot.html"), 429
    with db.cursor() as cur:
        cur.execute("SELECT id, email FROM users WHERE email = %s", (email,))
        user = cur.fetchone()
        if user is not None:
            token = secrets.token_urlsafe(32)  # ok: SEC010
            cur.execute(
                "INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES (%s, %s, %s)",
                (user["id"], _digest(token), datetime.now(timezone.utc) + TOKEN_TTL),
            )
    if user is not None:
        try:
            _send_reset_email(user["email"], url_for(".reset", token=token, _external=True))
        except (smtplib.SMTPException, OSError):
            logger.exception("password reset e-mail failed for user %s", user["id"])  # ok: OBS002
            flash("We could not send the e-mail right now, please try again in a few minutes.")
            return render_template("password/forgot.html"), 503  # ok: ERR002
        logger.info("password reset link sent to user %s", user["id"])  # ok: SEC007
    flash("If that address is registered, a reset link is on its way.")
    return redirect(url_for("auth.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    if request.method == "GET":
        return render_template("password/reset.html", token=token)
    password = request.form.get("password", "")
    if len(password) < 10:
        flash("Choose a password of at least 10 characters.")
        return render_template("password/reset.html", token=token), 400
    with db.cursor() as cur:
        cur.execute(  # ok: DB005
            "UPDATE password_resets SET used_at = now() "
            "WHERE token_hash = %s AND used_at IS NULL AND expires_at > now() RETURNING user_id",
            (_digest(token),),
        )
        row = cur.fetchone()
        if row is None:
            abort(404)
        cur.execute("UPDATE users SET password_hash = %s WHERE id = %s",
                    (generate_password_hash(password), row["user_id"]))  # ok: SEC009
    logger.info("password reset completed for user %s", row["user_id"])
    flash("Your password has been changed. Please sign in.")
    return redirect(url_for("auth.login"))
