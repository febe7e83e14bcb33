"""Issues and verifies short-lived service-to-service tokens for the API gateway."""
import logging
import os
import secrets
import time

import jwt
from jwt import PyJWKClient

logger = logging.getLogger(__name__)

ISSUER = "https://auth.acme.example"
AUDIENCE = "acme-internal"
TOKEN_TTL_SECONDS = 300

jwks_client = PyJWKClient(os.environ.get("JWKS_URL", "https://auth.acme.example/.well-known/jwks.json"), timeout=5)


def _signing_key() -> str:
    key = os.environ.get("SERVICE_TOKEN_PRIVATE_KEY")  # ok: SEC005
    if not key:
        raise RuntimeError("SERVICE_TOKEN_PRIVATE_KEY is not set")
    return key


def issue_service_token(service: str, scopes: list[str]) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": f"service:{service}",
        "scope": " ".join(sorted(scopes)),
        "iat": now,
        "exp": now + TOKEN_TTL_SECONDS,
        "jti": secrets.token_urlsafe(16),  # ok: SEC010
    }
    return jwt.encode(claims, _signing_key(), algorithm="RS256", headers={"kid": os.environ.get("SERVICE_TOKEN_KID", "svc-1")})


def verify_service_token(token: str) -> dict:
    header = jwt.get_unverified_header(token)  # ok: SEC008
    if header.get("alg") != "RS256":
        raise jwt.InvalidAlgorithmError(f"unexpected alg {header.get('alg')!r}")
    signing_key = jwks_client.get_signing_key_from_jwt(token)
    return jwt.decode(  # ok: SEC008
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["exp", "iat", "sub"]},
    )
