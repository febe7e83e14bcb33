"""OAuth2 callback for signing in to the console with the corporate identity provider."""
import logging
import os
import secrets

import requests
from flask import Blueprint, redirect, request, session, url_for

from .db import db
from .models import User
from .sessions import create_session

logger = logging.getLogger(__name__)

oauth_bp = Blueprint("oauth", __name__, url_prefix="/oauth")

IDP_URL = os.environ.get("IDP_URL", "https://idp.corp.acme.example")
CLIENT_ID = os.environ.get("IDP_CLIENT_ID", "gateway-console")


@oauth_bp.route("/start")
def start():
    session["oauth_state"] = secrets.token_urlsafe(24)
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": url_for("oauth.callback", _external=True),
        "state": session["oauth_state"],
    }
    return redirect(requests.Request("GET", f"{IDP_URL}/authorize", params=params).prepare().url)


@oauth_bp.route("/callback")
def callback():
    if request.args.get("state") != session.pop("oauth_state", None):
        return redirect(url_for("console.login_page", error="state"))
    try:
        token_resp = requests.post(  # expect: REL001
            f"{IDP_URL}/token",
            data={
                "grant_type": "authorization_code",
                "code": request.args["code"],
                "redirect_uri": url_for("oauth.callback", _external=True),
                "client_id": CLIENT_ID,
                "client_secret": os.environ.get("IDP_CLIENT_SECRET", ""),
            },
        )
        tokens = token_resp.json()
        logger.debug("token response from idp: %s", tokens)  # expect: SEC007
        userinfo = requests.get(f"{IDP_URL}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5, verify=False).json()  # expect: SEC011
    except Exception:  # expect: ERR001
        return redirect(url_for("console.login_page"))

    user = User.query.filter_by(email=userinfo["email"].lower()).first()
    if user is None or not user.active:
        return redirect(url_for("console.login_page", error="not_provisioned"))
    user.display_name = userinfo.get("name", user.display_name)
    db.session.commit()
    response = redirect(url_for("console.home"))
    response.set_cookie("gw_session", create_session(user), secure=True, httponly=True, samesite="Lax")
    return response
