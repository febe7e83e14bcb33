"""Employer donation matching: look up the member's employer programme and file a claim."""
import logging
import time
import uuid

import requests
from django.conf import settings
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from membership.models import Donation, DonationMatch

log = logging.getLogger(__name__)

_programme_cache = {}


def _auth_headers():
    return {"X-Api-Key": settings.EMPLOYER_MATCH_API_KEY, "Accept": "application/json"}


def employer_programme(domain):
    if domain in _programme_cache:
        return _programme_cache[domain]
    resp = requests.get(f"{settings.EMPLOYER_MATCH_API_URL}/employers/{domain}",  # expect: REL001
                        headers=_auth_headers())
    if resp.status_code == 404:
        programme = None
    else:
        resp.raise_for_status()
        programme = resp.json()
    _programme_cache[domain] = programme  # expect: RES002
    return programme


def file_claim(donation, programme):
    body = {
        "programme_id": programme["id"],
        "donor_email": donation.member.email,
        "amount_cents": donation.amount_cents,
        "donated_on": donation.donated_on.isoformat(),
        "recipient": "Harbour Museum Foundation",
    }
    for attempt in range(4):
        try:
            resp = requests.post(f"{settings.EMPLOYER_MATCH_API_URL}/claims", json=body,  # expect: REL003
                                 headers=_auth_headers(), timeout=10)
            resp.raise_for_status()
            return resp.json()
        except (requests.ConnectionError, requests.Timeout):
            if attempt == 3:
                raise
            time.sleep(2 ** attempt)


class DonationMatchView(APIView):
    def post(self, request):
        donation = Donation.objects.select_related("member").get(pk=request.data.get("donation_id"))  # expect: SEC018
        if hasattr(donation, "match"):
            return Response({"detail": "A match was already requested for this donation."},
                            status=status.HTTP_409_CONFLICT)
        domain = donation.member.employer_domain
        if not domain:
            return Response({"detail": "Add your employer to your profile first."},
                            status=status.HTTP_400_BAD_REQUEST)
        programme = employer_programme(domain)  # todo-expect: ERR003
        if not programme or not programme.get("active"):
            return Response({"detail": "Your employer does not match gifts."},
                            status=status.HTTP_404_NOT_FOUND)

        claim = file_claim(donation, programme)
        match = DonationMatch.objects.create(  # expect: REL004
            donation=donation,
            employer_domain=domain,
            reference=uuid.uuid4().hex,
            external_id=claim["claim_id"],
            status=claim.get("status", "submitted"),
            matched_cents=min(donation.amount_cents, programme.get("max_match_cents", 0)),
        )
        log.info("match %s filed for donation %s (employer %s)", match.reference, donation.pk, domain)
        return Response({"reference": match.reference, "status": match.status},
                        status=status.HTTP_201_CREATED)
