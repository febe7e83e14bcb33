import logging

import asyncpg
import jwt
from fastapi import APIRouter, Depends, HTTPException, Request

from db import enqueue_outbox, get_conn
from settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/callbacks/gov", tags=["gov-callbacks"])

STATUS_MAP = {
    "ACCEPTED": "accepted",
    "UNDER_CONTROL": "inspection",
    "RELEASED": "cleared",
    "REJECTED": "rejected",
    "INVALIDATED": "invalidated",
}


def _callback_claims(request: Request) -> dict:
    token = request.headers.get("X-Gov-Callback-Token", "")
    if not token:
        raise HTTPException(401, "missing callback token")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    if claims.get("iss") != get_settings().gov_callback_issuer:
        raise HTTPException(401, "unexpected issuer")
    return claims


@router.post("/status")
async def status_callback(request: Request, conn: asyncpg.Connection = Depends(get_conn)):
    log.info("gov status callback received, headers=%s", dict(request.headers))  # expect: SEC007
    claims = _callback_claims(request)
    event = await request.json()

    declaration_id = int(event["clientReference"])
    new_status = STATUS_MAP.get(event.get("status", ""))
    if new_status is None:
        log.warning("unknown gov status %r for declaration %s", event.get("status"), declaration_id)
        return {"received": True}

    try:
        async with conn.transaction():
            broker_id = await conn.fetchval(
                "UPDATE declarations SET status = $2, gov_mrn = coalesce(gov_mrn, $3), "
                "status_changed_at = now() WHERE id = $1 RETURNING broker_id",
                declaration_id, new_status, event.get("mrn"),
            )
            if broker_id is None:
                raise LookupError(f"declaration {declaration_id} not found")
            await conn.execute(
                "INSERT INTO declaration_events (declaration_id, source, status, payload) "
                "VALUES ($1, 'gov', $2, $3)",
                declaration_id, new_status, event,
            )
            await enqueue_outbox(
                conn, "declaration.status", f"gov-{claims.get('jti', '')}-{declaration_id}",
                {"declaration_id": declaration_id, "broker_id": broker_id, "status": new_status},
            )
    except Exception as exc:
        log.error("could not apply gov callback for declaration %s: %s", declaration_id, exc)  # expect: OBS002
        return {"received": True}  # expect: ERR002

    log.info("declaration %s moved to %s via gov callback", declaration_id, new_status)
    return {"received": True}


@router.get("/ping")
async def ping():
    return {"service": "brokerline-customs", "callbacks": "enabled"}
