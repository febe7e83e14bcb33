"""Scheduled manifest upload: run by a CronJob every 10 minutes.

``python -m ferry.services.manifest_upload`` sends the manifest for every
sailing departing in the next two hours that has not been sent yet.
"""
import asyncio
import json
import logging
import ssl
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ..db import SessionLocal, dispose
from ..models import ManifestUpload, Reservation, Sailing
from ..settings import get_settings
from .manifest import _manifest_body

log = logging.getLogger("ferry.manifest_upload")
settings = get_settings()


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _tls_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=settings.port_authority_ca_file)
    ctx.load_cert_chain(settings.port_authority_cert_file, settings.port_authority_key_file)
    return ctx


async def _due_sailings(session: AsyncSession) -> list[Sailing]:
    now = datetime.now(timezone.utc)
    already_sent = select(ManifestUpload.sailing_id)
    result = await session.execute(
        select(Sailing)
        .where(Sailing.departs_at >= now, Sailing.departs_at < now + timedelta(hours=2),
               Sailing.status.in_(("scheduled", "delayed")), Sailing.id.not_in(already_sent))
        .order_by(Sailing.departs_at)
    )
    return list(result.scalars())


async def send_one(session: AsyncSession, client: httpx.AsyncClient, sailing: Sailing) -> str:
    result = await session.execute(
        select(Reservation)
        .where(Reservation.sailing_id == sailing.id, Reservation.status == "confirmed")
        .options(selectinload(Reservation.customer))
        .order_by(Reservation.lane_id, Reservation.id)
    )
    reservations = list(result.scalars())
    body = json.dumps(_manifest_body(sailing, reservations), default=_json_default)
    resp = await client.post(str(settings.port_authority_url), content=body,
                             headers={"Content-Type": "application/json",
                                      "Idempotency-Key": f"manifest-{sailing.id}"})
    resp.raise_for_status()
    ref = resp.json().get("manifest_id")
    session.add(ManifestUpload(sailing_id=sailing.id, vehicles=len(reservations), authority_ref=ref))
    await session.commit()
    log.info("manifest for sailing %s sent (%d vehicles, ref %s)", sailing.id, len(reservations), ref)
    return ref


async def main() -> int:
    failures = 0
    async with httpx.AsyncClient(verify=_tls_context(), timeout=httpx.Timeout(20.0, connect=5.0)) as client:  # ok: SEC011
        async with SessionLocal() as session:
            for sailing in await _due_sailings(session):  # ok: DB001
                try:
                    await send_one(session, client, sailing)
                except httpx.HTTPError:
                    await session.rollback()
                    failures += 1
                    log.exception("manifest upload failed for sailing %s", sailing.id)
    await dispose()
    return failures


if __name__ == "__main__":
    logging.basicConfig(level=settings.log_level)
    failed = asyncio.run(main())
    print(f"manifest upload finished, {failed} failed")  # ok: OBS001
    raise SystemExit(1 if failed else 0)
