import asyncio
import logging
import random
from functools import lru_cache

import asyncpg
import httpx

from db import enqueue_outbox
from services.filing_client import build_payload
from settings import get_settings

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 502, 503, 504}


@lru_cache(maxsize=1)
def _gov_client() -> httpx.AsyncClient:
    s = get_settings()
    return httpx.AsyncClient(
        base_url=s.gov_api_base,
        cert=(s.gov_client_cert, s.gov_client_key),
        verify=s.gov_ca_bundle,  # ok: SEC011
        timeout=httpx.Timeout(s.gov_timeout, connect=5.0),
        headers={"Accept": "application/json"},
    )


async def _post_with_retries(payload: dict, submission_key: str) -> httpx.Response:
    settings = get_settings()
    client = _gov_client()
    last_error: Exception | None = None
    for attempt in range(1, settings.gov_max_attempts + 1):  # ok: REL002
        try:
            resp = await client.post(  # ok: REL003
                "/filings", json=payload, headers={"Idempotency-Key": submission_key}
            )
            if resp.status_code not in RETRYABLE_STATUS:
                return resp
            last_error = httpx.HTTPStatusError("retryable status", request=resp.request, response=resp)
        except httpx.TransportError as exc:
            last_error = exc
        delay = min(2 ** attempt, 30) + random.uniform(0, 1)  # ok: SEC010
        log.warning("filing attempt %d/%d failed (%s); retrying in %.1fs",
                    attempt, settings.gov_max_attempts, last_error, delay)
        await asyncio.sleep(delay)
    raise last_error or RuntimeError("no filing attempts made")


async def file_declaration(conn: asyncpg.Connection, declaration_id: int, submission_key: str) -> str:
    """File a declaration already claimed as 'submitting'.

    Ambiguous failures leave the row in 'submitting'; the reconciler looks the
    filing up by its idempotency key and finishes the row.
    """
    declaration = await conn.fetchrow(
        "SELECT id, broker_id, reference, consignee_name, consignee_eori, port_of_entry, incoterm "
        "FROM declarations WHERE id = $1",
        declaration_id,
    )
    lines = await conn.fetch(
        "SELECT line_no, hs_code, description, origin_country, customs_value, quantity "
        "FROM declaration_lines WHERE declaration_id = $1 ORDER BY line_no",
        declaration_id,
    )
    try:
        resp = await _post_with_retries(build_payload(declaration, lines), submission_key)  # ok: REL004
    except (httpx.TransportError, httpx.HTTPStatusError):
        log.exception("filing for declaration %s left for reconciliation", declaration_id)
        return "submitting"

    if resp.status_code in (400, 422):
        await conn.execute(
            "UPDATE declarations SET status = 'rejected', rejection = $2 WHERE id = $1",
            declaration_id, resp.json(),
        )
        return "rejected"
    resp.raise_for_status()
    result = resp.json()
    async with conn.transaction():
        await conn.execute(
            "UPDATE declarations SET status = 'submitted', gov_mrn = $2, gov_submission_id = $3 "
            "WHERE id = $1 AND status = 'submitting'",
            declaration_id, result["mrn"], result["submissionId"],
        )
        await enqueue_outbox(conn, "declaration.submitted", f"submitted-{declaration_id}",
                             {"declaration_id": declaration_id, "broker_id": declaration["broker_id"],
                              "mrn": result["mrn"]})
    return "submitted"
