"""SAML-free SSO sign-in: exchanges the identity provider's code for the user's profile."""
import logging
import os
import secrets

import requests
from flask import Blueprint, redirect, request, session, url_for

from .models import User
from .sessions import create_session

logger = logging.getLogger(__name__)

sso_bp = Blueprint("sso", __name__, url_prefix="/sso")

IDP_URL = os.environ.get("IDP_URL", "https://idp.corp.acme.example")
CLIENT_ID = os.environ.get("IDP_CLIENT_ID", "gateway-console")
IDP_TIMEOUT = (3.05, 10)


def _exchange_code(code: str) -> dict:
    resp = requests.post(  # ok: REL001
        f"{IDP_URL}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": url_for("sso.finish", _external=True),
            "client_id": CLIENT_ID,
            "client_secret": os.environ.get("IDP_CLIENT_SECRET", ""),
        },
        timeout=IDP_TIMEOUT,
    )
    resp.raise_for_status()
    return resp.json()


def _profile(access_token: str) -> dict:
    headers = {"Authorization": f"Bearer {access_token}"}
    resp = requests.get(f"{IDP_URL}/userinfo", headers=headers, timeout=IDP_TIMEOUT, verify=os.environ.get("IDP_CA_BUNDLE", True))  # ok: SEC011
    resp.raise_for_status()
    return resp.json()


@sso_bp.route("/begin")
def begin():
    session["sso_state"] = secrets.token_urlsafe(24)
    params = {"client_id": CLIENT_ID, "response_type": "code", "scope": "openid email profile",
              "redirect_uri": url_for("sso.finish", _external=True), "state": session["sso_state"]}
    return redirect(requests.Request("GET", f"{IDP_URL}/authorize", params=params).prepare().url)


@sso_bp.route("/finish")
def finish():
    if request.args.get("state") != session.pop("sso_state", None) or "code" not in request.args:
        return redirect(url_for("signin.signin_page", error="state"))
    try:
        profile = _profile(_exchange_code(request.args["code"])["access_token"])
    except (requests.RequestException, KeyError, ValueError):  # ok: ERR001
        logger.exception("SSO exchange with the identity provider failed")
        return redirect(url_for("signin.signin_page", error="idp_unavailable"))

    user = User.query.filter_by(email=profile["email"].lower()).first()
    if user is None or not user.active:
        return redirect(url_for("signin.signin_page", error="not_provisioned"))
    response = redirect(url_for("console.home"))
    response.set_cookie("gw_session", create_session(user), secure=True, httponly=True, samesite="Lax")  # ok: SEC012
    return response
