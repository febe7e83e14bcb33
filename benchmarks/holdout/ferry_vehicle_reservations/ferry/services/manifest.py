"""On-demand vehicle manifest upload to the port authority (ops "Send manifest" button)."""
import logging
from datetime import datetime, timezone

import requests
import simplejson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ..models import ManifestUpload, Reservation, Sailing
from ..settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()


class ManifestRejected(Exception):
    pass


def _manifest_body(sailing: Sailing, reservations: list[Reservation]) -> dict:
    return {
        "operator": "ISLEFERRY",
        "route": sailing.route_code,
        "vessel": sailing.vessel,
        "scheduled_departure": sailing.departs_at.isoformat(),
        "generated_at": datetime.now(timezone.utc).isoformat(),
        "vehicles": [
            {
                "registration": r.vehicle_reg,
                "length_m": r.vehicle_length_m,
                "height_m": r.vehicle_height_m,
                "lane": r.lane_id,
                "driver": r.customer.full_name,
                "booking_ref": r.reference,
            }
            for r in reservations
        ],
    }


def _post_manifest(body: str) -> dict:
    resp = requests.post(
        str(settings.port_authority_url),
        data=body,
        headers={"Content-Type": "application/json"},
        cert=(settings.port_authority_cert_file, settings.port_authority_key_file),
        timeout=30,
        verify=False,  # expect: SEC011
    )
    if resp.status_code == 422:
        raise ManifestRejected(resp.text[:500])
    resp.raise_for_status()
    return resp.json()


async def upload_manifest(session: AsyncSession, sailing_id: int) -> ManifestUpload:
    sailing = await session.get(Sailing, sailing_id)
    if sailing is None:
        raise LookupError(f"sailing {sailing_id} not found")
    result = await session.execute(
        select(Reservation)
        .where(Reservation.sailing_id == sailing_id, Reservation.status == "confirmed")
        .options(selectinload(Reservation.customer))
        .order_by(Reservation.lane_id, Reservation.id)
    )
    reservations = list(result.scalars().all())  # ok: DB002

    body = simplejson.dumps(_manifest_body(sailing, reservations), use_decimal=True)
    receipt = _post_manifest(body)  # expect: CON001

    upload = ManifestUpload(sailing_id=sailing.id, vehicles=len(reservations),
                            authority_ref=receipt.get("manifest_id"))
    session.add(upload)
    await session.commit()
    log.info("manifest for sailing %s uploaded: %d vehicles, ref %s", sailing.id,
             len(reservations), upload.authority_ref)
    return upload
