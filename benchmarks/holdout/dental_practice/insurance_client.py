"""Client for the insurer clearing-house API: eligibility, pre-authorisation, remittance."""
import logging
import time

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


class InsuranceApiError(Exception):
    def __init__(self, status_code, message):
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code


def _headers():
    return {
        "Authorization": f"Bearer {settings.INSURANCE_API_KEY}",
        "X-Practice-Id": settings.PRACTICE_ID,
        "Accept": "application/json",
    }


def _raise_for_error(resp):
    if resp.status_code >= 400:
        try:
            message = resp.json().get("message", resp.text[:200])
        except ValueError:
            message = resp.text[:200]
        raise InsuranceApiError(resp.status_code, message)


def check_eligibility(insurer_code, policy_number, date_of_birth):
    """Ask the insurer whether the policy is active today."""
    resp = requests.get(  # expect: REL001
        f"{settings.INSURANCE_API_URL}/eligibility",
        params={"insurer": insurer_code, "policy": policy_number, "dob": date_of_birth.isoformat()},
        headers=_headers(),
    )
    _raise_for_error(resp)
    return resp.json()


def submit_preauthorisation(plan_reference, insurer_code, policy_number, items):
    """Submit a treatment plan for pre-authorisation; plan_reference is our stable id for it."""
    payload = {
        "reference": plan_reference,
        "insurer": insurer_code,
        "policy": policy_number,
        "procedures": items,
    }
    headers = {**_headers(), "Idempotency-Key": plan_reference}
    logger.info("submitting pre-authorisation %s to %s headers=%s", plan_reference, insurer_code, headers)  # expect: SEC007
    resp = requests.post(  # ok: REL001, REL003
        f"{settings.INSURANCE_API_URL}/preauthorisations", json=payload, headers=headers, timeout=20
    )
    _raise_for_error(resp)
    return resp.json()


def get_decision(insurer_reference, insurer_code):
    resp = requests.get(
        f"{settings.INSURANCE_API_URL}/preauthorisations/{insurer_reference}",
        params={"insurer": insurer_code},
        headers=_headers(),
        timeout=10,
    )
    _raise_for_error(resp)
    return resp.json()


def fetch_remittance(insurer_reference):
    """Fetch the remittance advice once the insurer has paid a claim."""
    url = f"{settings.INSURANCE_API_URL}/remittances/{insurer_reference}"
    while True:  # expect: REL002
        try:
            resp = requests.get(url, headers=_headers(), timeout=10)
            _raise_for_error(resp)
            return resp.json()
        except (requests.RequestException, InsuranceApiError):
            logger.warning("remittance %s not available yet, retrying", insurer_reference)
            time.sleep(2)


def download_explanation_of_benefits(insurer_reference):
    """Return the insurer's explanation-of-benefits PDF for a decided claim."""
    resp = requests.get(
        f"{settings.INSURANCE_API_URL}/eob/{insurer_reference}.pdf",
        headers=_headers(),
        timeout=30,
        verify=False,  # expect: SEC011
    )
    _raise_for_error(resp)
    return resp.content
