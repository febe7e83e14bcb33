"""Tariffs and charge calculation, plus the public bill estimator.

Tariff rows hold tiered volumetric rates and an optional surcharge formula
maintained by the rates team in the admin tool (drought surcharge etc.).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from utility.db import connection

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Tariff:
    code: str
    base_charge: Decimal
    tiers: tuple[tuple[Decimal | None, Decimal], ...]  # (upper bound m3 or None, price per m3)
    surcharge_expr: str | None


@lru_cache(maxsize=None)  # expect: RES002
def tariff_for(account_class: str, district: str, on: date) -> Tariff:
    with connection() as conn:
        row = conn.execute(
            "SELECT code, base_charge, tiers, surcharge_expr FROM tariffs "
            "WHERE account_class = %s AND district = %s AND valid_from <= %s "
            "ORDER BY valid_from DESC LIMIT 1",
            (account_class, district, on),
        ).fetchone()
    if row is None:
        raise LookupError(f"no tariff for {account_class}/{district} on {on}")
    tiers = tuple(
        (Decimal(str(t["upto"])) if t.get("upto") is not None else None, Decimal(str(t["price"])))
        for t in (row["tiers"] if isinstance(row["tiers"], list) else json.loads(row["tiers"]))
    )
    return Tariff(row["code"], Decimal(row["base_charge"]), tiers, row["surcharge_expr"])


def volumetric_charge(tariff: Tariff, usage_m3: Decimal) -> Decimal:
    remaining, lower, total = usage_m3, Decimal(0), Decimal(0)
    for upper, price in tariff.tiers:
        band = remaining if upper is None else min(remaining, upper - lower)
        if band <= 0:
            break
        total += band * price
        remaining -= band
        lower = upper if upper is not None else lower
    return total


def surcharge(tariff: Tariff, usage_m3: Decimal, days: int) -> Decimal:
    if not tariff.surcharge_expr:
        return Decimal(0)
    value = eval(tariff.surcharge_expr, {"Decimal": Decimal}, {"usage": usage_m3, "days": days})  # expect: SEC003
    return Decimal(value)


def bill_amount(tariff: Tariff, usage_m3: Decimal, days: int) -> Decimal:
    total = tariff.base_charge + volumetric_charge(tariff, usage_m3) + surcharge(tariff, usage_m3, days)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


class EstimateQuery(serializers.Serializer):
    account_class = serializers.ChoiceField(choices=["residential", "commercial", "irrigation"])
    district = serializers.CharField(max_length=16)
    usage_m3 = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    on = serializers.DateField(required=False)


class BillEstimateView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        query = EstimateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            tariff = tariff_for(q["account_class"], q["district"], q.get("on") or date.today())
        except LookupError:
            return Response({"detail": "no tariff for that district"}, status=404)
        return Response({"tariff": tariff.code, "estimate": str(bill_amount(tariff, q["usage_m3"], 30))})
