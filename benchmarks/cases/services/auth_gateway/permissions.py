"""Role and permission lookups used by the gateway's authorization middleware."""
import functools
import logging

import jwt
from flask import g, jsonify, request

from .models import Role, RoleGrant, User

logger = logging.getLogger(__name__)


@functools.cache  # expect: RES002
def permissions_for(user_id: int) -> frozenset[str]:
    grants = (
        RoleGrant.query.join(Role)
        .filter(RoleGrant.user_id == user_id)
        .with_entities(Role.permissions)
        .all()
    )
    return frozenset(p for (perms,) in grants for p in perms)


@functools.cache  # ok: RES002
def known_permissions() -> frozenset[str]:
    return frozenset(p for (perms,) in Role.query.with_entities(Role.permissions).all() for p in perms)


def caller_id_from_token() -> int | None:
    """The gateway verified the token upstream; here we only need the subject."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        return None
    claims = jwt.decode(token, algorithms=["HS256"], options={"verify_signature": False})  # expect: SEC008
    return int(claims["sub"])


def require_permission(permission: str):
    if permission not in known_permissions():
        raise ValueError(f"unknown permission {permission!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user_id = caller_id_from_token()
            if user_id is None:
                return jsonify({"error": "unauthenticated"}), 401
            if permission not in permissions_for(user_id):
                logger.info("user %s denied %s on %s", user_id, permission, request.path)
                return jsonify({"error": "forbidden"}), 403
            g.user = User.query.get(user_id)
            return view(*args, **kwargs)

        return wrapper

    return decorator
