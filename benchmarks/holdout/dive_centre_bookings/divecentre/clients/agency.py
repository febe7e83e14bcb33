"""Certification look-ups against the training agency's verification API."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import httpx

from divecentre.models import Diver
from divecentre.settings import get_settings

logger = logging.getLogger(__name__)

LEVELS = {
    "open_water": 1,
    "advanced_open_water": 2,
    "rescue": 3,
    "divemaster": 4,
    "instructor": 5,
}


@dataclass(frozen=True)
class CertificationRecord:
    agency: str
    number: str
    holder_name: str
    level: int
    issued_on: date
    active: bool


class AgencyClient:
    def __init__(self, base_url: str, api_key: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key

    def lookup(self, agency: str, cert_number: str) -> CertificationRecord | None:
        logger.info("verifying %s certification %s (key %s)", agency, cert_number, self._api_key)  # expect: SEC007
        response = httpx.get(
            f"{self._base_url}/certifications/{agency}/{cert_number}",
            headers={"Authorization": f"Bearer {self._api_key}"},
            timeout=None,  # expect: REL001
        )
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        response.raise_for_status()
        body = response.json()
        return CertificationRecord(
            agency=agency,
            number=cert_number,
            holder_name=body["holder"]["name"],
            level=LEVELS.get(body["course"], 0),
            issued_on=date.fromisoformat(body["issued_on"]),
            active=body.get("status") == "active",
        )


@lru_cache(maxsize=1)
def _client() -> AgencyClient:
    settings = get_settings()
    return AgencyClient(settings.agency_base_url, settings.agency_api_key.get_secret_value())


@lru_cache(maxsize=None)  # expect: RES002
def cached_certification(agency: str, cert_number: str) -> CertificationRecord | None:
    return _client().lookup(agency, cert_number)


def meets_certification(diver: Diver, required_level: int) -> bool:
    """True if the diver's verified certification is at least ``required_level``."""
    if required_level <= 0:
        return True
    if not diver.cert_agency or not diver.cert_number:
        return False
    record = cached_certification(diver.cert_agency.lower(), diver.cert_number.strip())  # todo-expect: ERR003
    if record is None or not record.active:
        logger.info("diver %s has no active certification on file with %s", diver.id, diver.cert_agency)
        return False
    if record.holder_name.casefold() != diver.full_name.casefold():
        logger.warning("certification %s is held by someone else than diver %s", record.number, diver.id)
        return False
    return record.level >= required_level
