"""Client for the ice resurfacer vendor's fleet API (engine hours, blade wear, battery)."""
import logging
from datetime import date

import httpx
import requests
from tenacity import retry, retry_if_exception_type, wait_fixed

from rink.settings import get_settings

logger = logging.getLogger(__name__)

# The vendor identifies machines by serial, we use short bay names.
SERIALS = {"z1": "552AC-21-00817", "z2": "OLM-E-19-00342"}


def _headers() -> dict[str, str]:
    token = get_settings().zamboni_vendor_token.get_secret_value()
    return {"Authorization": f"Token {token}", "Accept": "application/json"}


def _base() -> str:
    return str(get_settings().zamboni_vendor_url).rstrip("/")


async def fetch_machine_status(machine: str) -> dict:
    """Latest telemetry snapshot for one machine."""
    serial = SERIALS[machine]
    resp = requests.get(f"{_base()}/machines/{serial}/status", headers=_headers())  # expect: CON001, REL001
    resp.raise_for_status()
    return resp.json()


@retry(retry=retry_if_exception_type(httpx.TransportError), wait=wait_fixed(2))  # expect: REL002
async def fetch_blade_hours(machine: str, since: date) -> list[dict]:
    """Daily blade hours since a date, used to schedule blade sharpening."""
    serial = SERIALS[machine]
    async with httpx.AsyncClient(base_url=_base(), headers=_headers(), timeout=10.0) as client:
        resp = await client.get(f"/machines/{serial}/blade-hours", params={"since": since.isoformat()})
        resp.raise_for_status()
        return resp.json()["days"]


async def open_service_ticket(machine: str, summary: str, reported_by: int) -> str:
    """Ask the vendor for a technician visit; returns the vendor's ticket number."""
    serial = SERIALS[machine]
    async with httpx.AsyncClient(base_url=_base(), headers=_headers(), timeout=10.0) as client:
        resp = await client.post(
            f"/machines/{serial}/service-requests",
            json={"summary": summary[:500], "site": "northside", "reporter_ref": str(reported_by)},
        )
    if resp.status_code == 409:
        # The vendor already has an open request for this machine.
        existing = resp.json()["open_request"]
        logger.info("service request already open for %s: %s", machine, existing)
        return existing
    resp.raise_for_status()
    ticket_no = resp.json()["request_number"]
    logger.info("opened vendor service request %s for %s", ticket_no, machine)
    return ticket_no
