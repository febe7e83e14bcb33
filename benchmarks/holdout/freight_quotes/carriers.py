"""Client for the carriers' rating and booking APIs."""

import asyncio
import logging
import random

import aiohttp

log = logging.getLogger(__name__)


class CarrierError(Exception):
    """The carrier could not be reached or answered with a server error."""


class CarrierRejected(Exception):
    """The carrier refused the request (4xx); retrying will not help."""


class CarrierClient:
    def __init__(self, carriers, session: aiohttp.ClientSession):
        self._carriers = {c.code: c for c in carriers}
        self._session = session
        self._limits = {c.code: asyncio.Semaphore(c.max_concurrency) for c in carriers}

    def _headers(self, carrier) -> dict:
        return {"Authorization": f"Bearer {carrier.api_key}", "Accept": "application/json"}

    async def _rate_for(self, carrier, origin, destination, weight_kg, distance_km):
        url = f"{carrier.base_url}/rates"
        headers = self._headers(carrier)
        payload = {
            "origin": origin,
            "destination": destination,
            "weight_kg": weight_kg,
            "distance_km": distance_km,
        }
        log.debug("requesting rates from %s headers=%s", url, headers)  # expect: SEC007
        async with self._limits[carrier.code]:
            async with self._session.post(url, json=payload, headers=headers) as resp:
                if resp.status != 200:
                    log.warning("carrier %s answered %s to a rate request", carrier.code, resp.status)
                    return None
                body = await resp.json()
        return {
            "carrier": carrier.code,
            "price_cents": int(round(float(body["total"]) * 100)),
            "currency": body.get("currency", "EUR"),
            "transit_days": body.get("transit_days"),
        }

    async def get_rates(self, origin, destination, weight_kg, distance_km) -> list:
        carriers = list(self._carriers.values())
        results = await asyncio.gather(
            *(self._rate_for(c, origin, destination, weight_kg, distance_km) for c in carriers),
            return_exceptions=True,
        )
        rates = []
        for carrier, result in zip(carriers, results):
            if isinstance(result, BaseException):
                log.warning("rate request to %s failed", carrier.code, exc_info=result)
                continue
            if result is not None:
                rates.append(result)
        return sorted(rates, key=lambda r: r["price_cents"])

    async def book_shipment(self, carrier_code: str, booking: dict) -> dict:
        carrier = self._carriers[carrier_code]
        url = f"{carrier.base_url}/shipments"
        for attempt in range(1, 4):
            try:
                async with self._session.post(url, json=booking, headers=self._headers(carrier)) as resp:  # expect: REL003
                    if resp.status >= 500:
                        raise CarrierError(f"{carrier.code} answered {resp.status}")
                    if resp.status >= 400:
                        raise CarrierRejected(await resp.text())
                    return await resp.json()
            except (aiohttp.ClientError, asyncio.TimeoutError, CarrierError) as exc:
                if attempt == 3:
                    raise CarrierError(f"booking with {carrier.code} failed") from exc
                delay = 0.5 * 2 ** attempt + random.uniform(0, 0.5)  # ok: SEC010
                log.warning("booking with %s failed (attempt %d), retrying in %.1fs", carrier.code, attempt, delay)
                await asyncio.sleep(delay)
        raise CarrierError("unreachable")

    async def cancel_shipment(self, carrier_code: str, reference: str, idempotency_key: str) -> None:
        carrier = self._carriers[carrier_code]
        headers = {**self._headers(carrier), "Idempotency-Key": idempotency_key}
        url = f"{carrier.base_url}/shipments/{reference}/cancel"
        try:
            async with self._session.post(url, headers=headers) as resp:
                if resp.status in (200, 202, 409):
                    return
                if resp.status >= 500:
                    raise CarrierError(f"{carrier.code} answered {resp.status}")
                raise CarrierRejected(await resp.text())
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise CarrierError(f"cancel with {carrier.code} failed") from exc
