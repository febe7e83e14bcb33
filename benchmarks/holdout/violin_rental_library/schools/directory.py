"""Client for the local authority's schools directory (term dates, contacts)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)
TERM_DATES_TTL = 60 * 60 * 12


class DirectoryUnavailable(Exception):
    """The directory could not be reached; callers fall back to stored dates."""


@dataclass(frozen=True)
class TermDates:
    school_urn: str
    term: str
    starts_on: date
    ends_on: date


def _session() -> requests.Session:
    retry = Retry(
        total=3,  # ok: REL002
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.headers["Accept"] = "application/json"
    return session


class SchoolsDirectory:
    def __init__(self, base_url: str | None = None, session: requests.Session | None = None) -> None:
        self.base_url = (base_url or settings.SCHOOLS_API_URL).rstrip("/")
        self.session = session or _session()

    def _get(self, path: str, **params) -> dict:
        try:
            response = self.session.get(f"{self.base_url}{path}", params=params, timeout=TIMEOUT)  # ok: REL001
            response.raise_for_status()
        except requests.RequestException as exc:
            logger.warning("schools directory request %s failed: %s", path, exc.__class__.__name__)
            raise DirectoryUnavailable(str(exc)) from exc
        return response.json()

    def term_dates(self, school_urn: str, term: str) -> TermDates:
        key = f"term-dates:{school_urn}:{term}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        data = self._get(f"/schools/{school_urn}/terms", term=term)
        dates = TermDates(
            school_urn=school_urn,
            term=term,
            starts_on=date.fromisoformat(data["starts_on"]),
            ends_on=date.fromisoformat(data["ends_on"]),
        )
        cache.set(key, dates, TERM_DATES_TTL)  # ok: RES002
        return dates

    def billing_contact(self, school_urn: str) -> str | None:
        data = self._get(f"/schools/{school_urn}")
        return data.get("finance_email") or data.get("office_email")


def due_back_date(school_urn: str, term: str, fallback: date) -> date:
    """End of term from the directory, or the stored fallback when it is down."""
    try:
        return SchoolsDirectory().term_dates(school_urn, term).ends_on
    except DirectoryUnavailable:
        logger.info("using stored end-of-term date for school %s, term %s", school_urn, term)  # ok: ERR003
        return fallback
