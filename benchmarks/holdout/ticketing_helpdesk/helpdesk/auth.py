import hashlib
import hmac
import logging
from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from helpdesk.models import Agent, get_session

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

MAX_FAILED_LOGINS = 5
MIN_PASSWORD_LENGTH = 12

_failed_logins: dict[str, int] = defaultdict(int)  # expect: SCL001


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def verify_password(agent: Agent, password: str) -> bool:
    return hmac.compare_digest(agent.password_hash, hash_password(password))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("tickets.queue"))
    if request.method == "GET":
        return render_template("auth/login.html")

    email = request.form.get("email", "").strip().lower()
    if _failed_logins[email] >= MAX_FAILED_LOGINS:
        logger.warning("login blocked for %s after repeated failures", email)
        flash("Too many failed attempts. Ask a team lead to unlock your account.")
        return render_template("auth/login.html"), 429

    agent = get_session().scalars(select(Agent).where(Agent.email == email)).first()
    if agent is None or not verify_password(agent, request.form.get("password", "")):
        _failed_logins[email] += 1
        logger.info("failed login for %s (%d)", email, _failed_logins[email])
        flash("Invalid e-mail or password.")
        return render_template("auth/login.html"), 401

    _failed_logins.pop(email, None)
    login_user(agent, remember=request.form.get("remember") == "on")
    logger.info("agent %s logged in", agent.id)
    return redirect(url_for("tickets.queue"))


@bp.post("/logout")
@login_required
def logout():
    logger.info("agent %s logged out", current_user.id)
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/agents/<int:agent_id>/password")
@login_required
def change_password(agent_id: int):
    if agent_id != current_user.id and not current_user.is_lead:
        abort(403)  # ok: SEC017
    new_password = request.form.get("new_password", "")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        flash(f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.")
        return redirect(url_for("tickets.queue"))
    session = get_session()
    agent = session.get(Agent, agent_id) or abort(404)
    agent.password_hash = hash_password(new_password)
    session.commit()
    logger.info("password changed for agent %s by agent %s", agent_id, current_user.id)  # ok: SEC007
    flash("Password updated.")
    return redirect(url_for("tickets.queue"))


@bp.post("/agents/<int:agent_id>/unlock")
@login_required
def unlock(agent_id: int):
    if not current_user.is_lead:
        abort(403)
    agent = get_session().get(Agent, agent_id) or abort(404)
    _failed_logins.pop(agent.email, None)
    logger.info("agent %s unlocked by lead %s", agent_id, current_user.id)
    return redirect(url_for("tickets.queue"))
