import functools
import logging
import os
from collections import defaultdict

import requests
from django.shortcuts import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Recipe

logger = logging.getLogger(__name__)

NUTRITION_API_URL = os.environ.get("NUTRITION_API_URL", "https://api.nutridata.example/v1")
NUTRITION_API_KEY = os.environ["NUTRITION_API_KEY"]  # expect: MNT002
NUTRIENTS = ("calories", "protein_g", "fat_g", "carbs_g", "fiber_g", "sodium_mg")
MAX_LINES = 60

_session = requests.Session()
_session.headers.update({"X-Api-Key": NUTRITION_API_KEY, "Accept": "application/json"})


@functools.lru_cache(maxsize=None)  # expect: RES002
def lookup_ingredient(line: str) -> dict:
    try:
        resp = _session.get(f"{NUTRITION_API_URL}/parse", params={"ingr": line}, timeout=5)
        resp.raise_for_status()
        parsed = resp.json()["parsed"][0]
    except Exception:  # expect: ERR001
        return {}
    return {key: float(parsed.get("nutrients", {}).get(key, 0.0)) for key in NUTRIENTS}


def nutrition_for(ingredient_lines: list[str], servings: int) -> dict:
    totals: dict[str, float] = defaultdict(float)
    matched = 0
    for line in ingredient_lines[:MAX_LINES]:
        facts = lookup_ingredient(line.strip().lower())
        if not facts:
            continue
        matched += 1
        for key, value in facts.items():
            totals[key] += value
    per_serving = {key: round(totals[key] / max(servings, 1), 1) for key in NUTRIENTS}
    return {"per_serving": per_serving, "matched_lines": matched,
            "total_lines": min(len(ingredient_lines), MAX_LINES)}


class RecipeNutritionView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug):
        recipe = get_object_or_404(Recipe, slug=slug, published_at__isnull=False)
        if recipe.is_premium and not (
            request.user.is_authenticated
            and recipe.purchases.filter(buyer=request.user, status="paid").exists()
        ):
            return Response({"detail": "Purchase the recipe to see nutrition facts."}, status=403)
        servings = recipe.servings or 1
        data = nutrition_for(recipe.ingredients, servings)
        return Response({"recipe": recipe.slug, "servings": servings, **data})
