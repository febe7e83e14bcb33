"""Bearer token checks for the API gateway: validates access tokens and exposes the caller's claims."""
import functools
import logging

import jwt
from flask import g, jsonify, request

logger = logging.getLogger(__name__)

JWT_SECRET = "gw-signing-7f4e2b9c1a0d8e6f5b3c2a1908d7e6f5"  # expect: SEC005
JWT_ALGORITHMS = ["HS256", "none"]
ISSUER = "https://auth.acme.example"


def _bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def decode_access_token(token: str) -> dict:
    return jwt.decode(token, JWT_SECRET, algorithms=JWT_ALGORITHMS, issuer=ISSUER)  # expect: SEC008


def peek_tenant(token: str) -> str | None:
    """Used by the router to pick the upstream before the full check runs."""
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    return claims.get("tenant")


def require_token(*scopes):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            token = _bearer_token()
            if token is None:
                return jsonify({"error": "missing_token"}), 401
            try:
                claims = decode_access_token(token)
            except jwt.ExpiredSignatureError:
                return jsonify({"error": "token_expired"}), 401
            except jwt.InvalidTokenError as exc:
                logger.info("rejected token: %s", exc)
                return jsonify({"error": "invalid_token"}), 401
            granted = set(claims.get("scope", "").split())
            if not set(scopes) <= granted:
                return jsonify({"error": "insufficient_scope"}), 403
            g.claims = claims
            return view(*args, **kwargs)

        return wrapper

    return decorator
