import asyncio
import logging
from functools import lru_cache

import asyncpg
import requests

from settings import get_settings

log = logging.getLogger(__name__)

RETRYABLE = {502, 503, 504}


class GovFilingClient:
    def __init__(self, base_url: str, cert: tuple[str, str], ca_bundle: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.cert = cert
        self.session.verify = ca_bundle
        self.session.headers["Accept"] = "application/json"

    def _post(self, path: str, payload: dict) -> requests.Response:
        return self.session.post(f"{self.base_url}{path}", json=payload, timeout=self.timeout)

    async def file(self, payload: dict) -> dict:
        attempt = 0
        while True:  # expect: REL002
            resp = self._post("/filings", payload)  # expect: CON001, REL003
            if resp.status_code not in RETRYABLE:
                break
            attempt += 1
            log.warning("customs endpoint returned %s, retry %d", resp.status_code, attempt)
            await asyncio.sleep(min(2 ** attempt, 60))
        resp.raise_for_status()
        return resp.json()


@lru_cache(maxsize=1)
def get_client() -> GovFilingClient:
    s = get_settings()
    return GovFilingClient(s.gov_api_base, (s.gov_client_cert, s.gov_client_key),
                           s.gov_ca_bundle, s.gov_timeout)


def build_payload(declaration: asyncpg.Record, lines: list[asyncpg.Record]) -> dict:
    return {
        "declarantReference": declaration["reference"],
        "consignee": {"name": declaration["consignee_name"], "eori": declaration["consignee_eori"]},
        "portOfEntry": declaration["port_of_entry"],
        "incoterm": declaration["incoterm"],
        "goodsItems": [
            {
                "sequence": line["line_no"],
                "commodityCode": line["hs_code"],
                "description": line["description"],
                "origin": line["origin_country"],
                "statisticalValue": str(line["customs_value"]),
                "quantity": line["quantity"],
            }
            for line in lines
        ],
    }


async def submit_declaration(conn: asyncpg.Connection, declaration_id: int) -> str:
    declaration = await conn.fetchrow(
        "SELECT id, reference, consignee_name, consignee_eori, port_of_entry, incoterm "
        "FROM declarations WHERE id = $1",
        declaration_id,
    )
    lines = await conn.fetch(
        "SELECT line_no, hs_code, description, origin_country, customs_value, quantity "
        "FROM declaration_lines WHERE declaration_id = $1 ORDER BY line_no",
        declaration_id,
    )
    result = await get_client().file(build_payload(declaration, lines))  # expect: REL004
    await conn.execute(
        "UPDATE declarations SET status = 'submitted', gov_mrn = $2, gov_submission_id = $3, "
        "submitted_at = now() WHERE id = $1",
        declaration_id, result["mrn"], result["submissionId"],
    )
    log.info("declaration %s filed, MRN %s", declaration_id, result["mrn"])
    return result["mrn"]
