"""Customer authentication: identity-service bearer tokens and manage-booking codes."""
import hashlib
import hmac
import logging
import random

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from .db import get_session
from .models import Customer, Reservation
from .settings import get_settings

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=True)
settings = get_settings()


def _decode(token: str) -> dict:
    header = jwt.get_unverified_header(token)
    return jwt.decode(  # expect: SEC008
        token,
        settings.jwt_public_key,
        algorithms=[header.get("alg", "RS256")],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )


async def current_customer(
    credentials: HTTPAuthorizationCredentials = Depends(bearer),
    session: AsyncSession = Depends(get_session),
) -> Customer:
    try:
        claims = _decode(credentials.credentials)
    except jwt.PyJWTError as exc:
        log.info("rejected customer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or expired token") from exc

    subject = claims["sub"]
    customer = (
        await session.execute(select(Customer).where(Customer.subject == subject))
    ).scalar_one_or_none()
    if customer is None:
        await session.execute(
            pg_insert(Customer)
            .values(
                subject=subject,
                full_name=claims.get("name", ""),
                surname=claims.get("family_name", ""),
                phone=claims.get("phone_number"),
                email=claims.get("email"),
            )
            .on_conflict_do_nothing(index_elements=[Customer.subject])
        )
        customer = (
            await session.execute(select(Customer).where(Customer.subject == subject))
        ).scalar_one()
    return customer


def _hash_code(reference: str, code: str) -> str:
    key = settings.manage_code_secret.get_secret_value().encode()
    return hmac.new(key, f"{reference}:{code}".encode(), hashlib.sha256).hexdigest()  # ok: SEC009


def issue_manage_code(reservation: Reservation) -> str:
    """Six-digit code texted to the driver so they can amend without signing in."""
    code = f"{random.randint(0, 999_999):06d}"  # expect: SEC010
    reservation.manage_code_hash = _hash_code(reservation.reference, code)
    return code


async def reservation_for_code(session: AsyncSession, reference: str, surname: str,
                               code: str) -> Reservation:
    reservation = (
        await session.execute(
            select(Reservation)
            .join(Reservation.customer)
            .options(contains_eager(Reservation.customer))
            .where(Reservation.reference == reference.upper())
        )
    ).scalar_one_or_none()
    if (
        reservation is None
        or reservation.manage_code_hash is None
        or not hmac.compare_digest(reservation.manage_code_hash,
                                   _hash_code(reservation.reference, code))
        or reservation.customer.surname.lower() != surname.strip().lower()
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No booking matches those details")
    return reservation
