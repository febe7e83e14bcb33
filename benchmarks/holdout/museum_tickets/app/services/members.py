"""Membership lookups against the museum CRM, used to apply member discounts."""
import logging
from functools import lru_cache

import httpx

from app.config import get_settings

logger = logging.getLogger(__name__)

TIER_DISCOUNTS = {"friend": 10, "family": 15, "patron": 20, "benefactor": 100}

_discount_cache: dict[str, int] = {}  # expect: RES002


@lru_cache(maxsize=1)
def _crm_client() -> httpx.AsyncClient:
    settings = get_settings()
    return httpx.AsyncClient(
        base_url=settings.membership_api_url,
        headers={"Authorization": f"Bearer {settings.membership_api_token.get_secret_value()}"},
        timeout=None,  # expect: REL001
        verify=False,  # expect: SEC011
    )


def _discount_for(member: dict) -> int:
    if member.get("status") != "active":
        return 0
    return TIER_DISCOUNTS.get(member.get("tier", ""), 0)


async def member_discount_percent(email: str | None) -> int:
    """Percentage discount for the visitor's membership tier, 0 for non-members."""
    if not email:
        return 0
    key = email.strip().lower()
    if key in _discount_cache:
        return _discount_cache[key]
    try:
        resp = await _crm_client().get("/members/lookup", params={"email": key})
        if resp.status_code == 404:
            discount = 0
        else:
            resp.raise_for_status()
            discount = _discount_for(resp.json())
    except Exception:  # expect: ERR001
        return 0
    _discount_cache[key] = discount
    return discount


async def membership_card(email: str) -> dict | None:
    """Card details shown in the visitor's account page."""
    resp = await _crm_client().get("/members/lookup", params={"email": email.strip().lower()})
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    member = resp.json()
    return {
        "number": member["card_number"],
        "tier": member.get("tier"),
        "valid_until": member.get("valid_until"),
        "discount_percent": _discount_for(member),
    }


def forget_member(email: str) -> None:
    _discount_cache.pop(email.strip().lower(), None)
