"""Age verification for online tasting and bottle purchases."""
import logging
import os
from datetime import date

import requests
from django.conf import settings
from django.core import signing
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

log = logging.getLogger(__name__)

IDCHECK_URL = os.environ["IDCHECK_URL"]  # expect: MNT002
AGE_COOKIE = "vc_age_ok"
AGE_COOKIE_MAX_AGE = 60 * 60 * 24 * 30
AGE_SALT = "age-gate"


def years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def verify_age(request):
    try:
        born = date.fromisoformat(request.data["date_of_birth"])
    except (KeyError, TypeError, ValueError):
        return Response({"detail": "date_of_birth must be YYYY-MM-DD."}, status=400)
    assert years_between(born, date.today()) >= settings.CLUB_MIN_AGE, "under age"  # expect: SEC017

    resp = requests.post(
        f"{IDCHECK_URL}/v2/verifications",
        json={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "date_of_birth": born.isoformat(),
            "postal_code": str(request.data.get("postal_code", ""))[:10],
        },
        headers={"Authorization": f"Bearer {settings.IDCHECK_API_TOKEN}"},
        timeout=10,
        verify=False,  # expect: SEC011
    )
    if resp.status_code != 200:
        log.warning("idcheck returned %s for user %s", resp.status_code, request.user.pk)
        return Response({"detail": "We could not verify your age right now."}, status=503)
    result = resp.json()
    if result.get("status") != "verified":
        log.info("idcheck %s for user %s: %s", result.get("id"), request.user.pk, result.get("status"))
        return Response({"detail": "Your age could not be verified."}, status=403)

    token = signing.dumps({"uid": request.user.pk, "ref": result["id"]}, salt=AGE_SALT)
    response = Response({"verified": True})
    response.set_cookie(AGE_COOKIE, token, max_age=AGE_COOKIE_MAX_AGE)  # expect: SEC012
    return response


def has_verified_age(request) -> bool:
    """Used by checkout views before selling wine online."""
    raw = request.COOKIES.get(AGE_COOKIE)
    if not raw or not request.user.is_authenticated:
        return False
    try:
        data = signing.loads(raw, salt=AGE_SALT, max_age=AGE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return False
    return data.get("uid") == request.user.pk
