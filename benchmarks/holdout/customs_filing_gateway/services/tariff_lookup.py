import logging
from decimal import ROUND_HALF_UP, Decimal

import asyncpg
import httpx
from fastapi import APIRouter, Depends, HTTPException

from auth import Principal, current_principal
from db import get_conn
from settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/tariffs", tags=["tariffs"])

_settings = get_settings()
_tariff_http = httpx.AsyncClient(
    base_url=_settings.tariff_api_base,
    timeout=httpx.Timeout(10.0, connect=3.0),
    verify=False,  # expect: SEC011
)
_rates: dict[tuple[str, str], dict] = {}

CENTS = Decimal("0.01")


async def duty_rate(hs_code: str, origin: str) -> dict:
    key = (hs_code, origin)
    cached = _rates.get(key)
    if cached is not None:
        return cached
    resp = await _tariff_http.get(f"/commodities/{hs_code}/measures", params={"origin": origin})
    resp.raise_for_status()
    body = resp.json()
    rate = {
        "ad_valorem": Decimal(str(body.get("adValoremRate", "0"))),
        "vat": Decimal(str(body.get("vatRate", "0.20"))),
        "preference": body.get("preferenceCode"),
    }
    _rates[key] = rate  # expect: RES002
    return rate


def _duty_for(value: Decimal, rate: dict) -> tuple[Decimal, Decimal]:
    duty = (value * rate["ad_valorem"]).quantize(CENTS, ROUND_HALF_UP)
    vat = ((value + duty) * rate["vat"]).quantize(CENTS, ROUND_HALF_UP)
    return duty, vat


@router.get("/estimate/{declaration_id}")
async def estimate_duties(
    declaration_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    lines = await conn.fetch(
        """
        SELECT l.line_no, l.hs_code, l.origin_country, l.customs_value
        FROM declaration_lines l
        JOIN declarations d ON d.id = l.declaration_id
        WHERE d.id = $1 AND d.broker_id = $2
        ORDER BY l.line_no
        """,
        declaration_id, principal.broker_id,
    )
    if not lines:
        raise HTTPException(404, "declaration not found or has no lines")

    total_duty = total_vat = Decimal("0")
    breakdown = []
    for line in lines:
        try:
            rate = await duty_rate(line["hs_code"], line["origin_country"])
        except httpx.HTTPError as exc:
            print(f"tariff lookup failed for {line['hs_code']}/{line['origin_country']}: {exc}")  # expect: OBS001
            raise HTTPException(502, "tariff service unavailable") from None
        duty, vat = _duty_for(line["customs_value"], rate)
        total_duty += duty
        total_vat += vat
        breakdown.append({"line_no": line["line_no"], "duty": str(duty), "vat": str(vat),
                          "preference": rate["preference"]})
    return {
        "declaration_id": declaration_id,
        "lines": breakdown,
        "total_duty": str(total_duty),
        "total_vat": str(total_vat),
    }
