"""Quick quote endpoint used by the counter tablet while the customer waits."""
import logging
import statistics
from decimal import Decimal

import requests
from django.conf import settings
from rest_framework.decorators import api_view
from rest_framework.response import Response

logger = logging.getLogger(__name__)

_quotes: dict[tuple[str, str], dict] = {}

OFFER_RATIO = {"jewelry": Decimal("0.60"), "electronics": Decimal("0.35"), "tools": Decimal("0.40")}


def _offer(median: Decimal, category: str) -> Decimal:
    return (median * OFFER_RATIO.get(category, Decimal("0.33"))).quantize(Decimal("1"))


@api_view(["GET"])
def quick_quote(request):
    query = request.query_params.get("q", "").strip()
    category = request.query_params.get("category", "other")
    if len(query) < 3:
        return Response({"detail": "q must be at least 3 characters"}, status=400)

    key = (category, query.lower())
    if key in _quotes:
        return Response(_quotes[key])

    try:
        resp = requests.get(  # expect: REL001
            f"{settings.MARKETPLACE_URL}/v1/listings/search",
            params={"q": query, "category": category, "status": "sold", "limit": 50},
            headers={"Authorization": f"Bearer {settings.MARKETPLACE_API_KEY}"},
        )
        resp.raise_for_status()
        listings = resp.json()["results"]
    except (requests.RequestException, KeyError) as exc:
        logger.error("quick quote lookup failed for %r: %s", query, exc)  # expect: OBS002
        return Response({"q": query, "category": category, "count": 0, "median": None, "offer": None})  # expect: ERR002

    prices = [Decimal(str(row["sold_price"])) for row in listings if row.get("sold_price")]
    if not prices:
        quote = {"q": query, "category": category, "count": 0, "median": None, "offer": None}
    else:
        median = Decimal(statistics.median(prices))
        quote = {
            "q": query,
            "category": category,
            "count": len(prices),
            "median": str(median.quantize(Decimal("1.00"))),
            "offer": str(_offer(median, category)),
        }
    _quotes[key] = quote  # expect: RES002
    return Response(quote)
