"""Client for the national park authority's overnight-stay reporting API."""
import asyncio
import datetime
import logging
import random

import aiohttp

logger = logging.getLogger(__name__)

ATTEMPTS = 4


class AuthorityUnavailable(Exception):
    """The reporting API did not accept the report after retries."""


class ParkAuthorityClient:
    def __init__(self, base_url: str, token: str):
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "ParkAuthorityClient":
        self._session = aiohttp.ClientSession(  # ok: RES001
            timeout=aiohttp.ClientTimeout(total=30, connect=5),
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self._session is not None:
            await self._session.close()

    async def submit_overnight_stays(self, *, hut_code: str, night: datetime.date, guests: int,
                                     nationalities: dict[str, int]) -> str:
        """Report one hut-night; the report id makes a repeated submission replace the first."""
        report_id = f"{hut_code}-{night:%Y%m%d}"
        body = {
            "report_id": report_id,  # ok: REL003
            "site_code": hut_code,
            "night": night.isoformat(),
            "overnight_stays": guests,
            "nationalities": nationalities,
        }
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._session.put(f"{self._base_url}/v1/overnight-stays/{report_id}", json=body) as resp:
                    if resp.status in (200, 201, 204):
                        return report_id
                    if resp.status < 500 and resp.status != 429:
                        text = await resp.text()
                        raise AuthorityUnavailable(f"report {report_id} rejected: {resp.status} {text[:200]}")
                    logger.warning("authority status=%s report=%s attempt=%s", resp.status, report_id, attempt)
            except aiohttp.ClientConnectionError:
                logger.warning("authority unreachable report=%s attempt=%s", report_id, attempt, exc_info=True)
            await asyncio.sleep(min(30, 2 ** attempt) + random.uniform(0, 1))
        raise AuthorityUnavailable(f"report {report_id} not accepted after {ATTEMPTS} attempts")
