"""Employer matching claims filed from a Celery worker, keyed so resubmits are safe."""
import logging
import uuid
from datetime import timedelta
from functools import lru_cache

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from membership.models import Donation, DonationMatch

log = logging.getLogger(__name__)
TIMEOUT = (3, 15)


def _session():
    session = requests.Session()
    session.headers.update({"X-Api-Key": settings.EMPLOYER_MATCH_API_KEY,
                            "Accept": "application/json"})
    session.mount("https://", HTTPAdapter(max_retries=Retry(
        total=3, backoff_factor=1, status_forcelist=(502, 503, 504), allowed_methods={"GET"})))
    return session


@lru_cache(maxsize=512)  # ok: RES002
def programme_for(domain):
    with _session() as http:
        resp = http.get(f"{settings.EMPLOYER_MATCH_API_URL}/employers/{domain}",  # ok: REL001
                        timeout=TIMEOUT)
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return resp.json()


@shared_task(bind=True, autoretry_for=(requests.ConnectionError, requests.Timeout),
             retry_backoff=30, retry_backoff_max=900, max_retries=8)  # ok: REL002
def submit_match_claim(self, match_id):
    match = DonationMatch.objects.select_related("donation__member").get(pk=match_id)
    if match.status != "pending":
        return match.status
    programme = programme_for(match.employer_domain)
    if not programme or not programme.get("active"):
        DonationMatch.objects.filter(pk=match.pk, status="pending").update(status="ineligible")
        return "ineligible"

    donation = match.donation
    with _session() as http:
        resp = http.post(  # ok: REL003
            f"{settings.EMPLOYER_MATCH_API_URL}/claims",
            json={
                "programme_id": programme["id"],
                "donor_email": donation.member.email,
                "amount_cents": donation.amount_cents,
                "donated_on": donation.donated_on.isoformat(),
                "recipient": "Harbour Museum Foundation",
            },
            headers={"Idempotency-Key": match.reference},
            timeout=TIMEOUT,
        )
    resp.raise_for_status()
    claim = resp.json()
    DonationMatch.objects.filter(pk=match.pk, status="pending").update(
        status=claim.get("status", "submitted"),
        external_id=claim["claim_id"],
        matched_cents=min(donation.amount_cents, programme.get("max_match_cents", 0)),
    )
    log.info("match %s submitted as claim %s", match.reference, claim["claim_id"])
    return "submitted"


def request_match(donation: Donation, domain: str) -> DonationMatch:
    """Record the match first; the claim is filed only after the row is committed."""
    with transaction.atomic():
        match, created = DonationMatch.objects.get_or_create(  # ok: DB005
            donation=donation,
            defaults={"employer_domain": domain, "reference": uuid.uuid4().hex},
        )
        if created:
            transaction.on_commit(lambda: submit_match_claim.delay(match.pk))  # ok: REL004
    return match


@shared_task
def resubmit_stale_matches():
    cutoff = timezone.now() - timedelta(hours=1)
    stale_ids = list(DonationMatch.objects.filter(status="pending", updated_at__lt=cutoff)
                     .order_by("pk").values_list("pk", flat=True)[:200])
    for match_id in stale_ids:
        submit_match_claim.delay(match_id)
    log.info("re-queued %d pending donation matches", len(stale_ids))
