"""IDCheck identity-verification client and the club-signup age check built on it."""
import logging
from datetime import date

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from rest_framework.exceptions import ValidationError
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)


class IdCheckUnavailable(Exception):
    """IDCheck could not be reached; the caller should ask the member to try again."""


class IdCheckClient:
    def __init__(self, base_url: str | None = None, token: str | None = None, ca_bundle: str | None = None):
        self.base_url = (base_url or settings.IDCHECK_BASE_URL).rstrip("/")
        self.session = requests.Session()
        self.session.verify = ca_bundle or settings.IDCHECK_CA_BUNDLE  # ok: SEC011
        self.session.headers["Authorization"] = f"Bearer {token or settings.IDCHECK_API_TOKEN}"
        # Only reads are retried; starting a verification is a billable POST.
        retry = Retry(total=2, backoff_factor=0.3, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "IdCheckClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def start_verification(self, first_name: str, last_name: str, born: date, postal_code: str) -> dict:
        resp = self.session.post(
            f"{self.base_url}/v2/verifications",
            json={"first_name": first_name, "last_name": last_name,
                  "date_of_birth": born.isoformat(), "postal_code": postal_code[:10]},
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
        return resp.json()

    def get_verification(self, verification_id: str) -> dict:
        resp = self.session.get(f"{self.base_url}/v2/verifications/{verification_id}", timeout=TIMEOUT)
        resp.raise_for_status()
        return resp.json()


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def require_adult(born: date, today: date | None = None) -> None:
    if _years_between(born, today or date.today()) < settings.CLUB_MIN_AGE:
        raise ValidationError({"date_of_birth": f"You must be {settings.CLUB_MIN_AGE} or older to join the club."})


def verify_for_club(user, born: date, postal_code: str, client: IdCheckClient | None = None) -> str:
    """Check age and identity for a club signup; returns IDCheck's verification id."""
    require_adult(born)
    try:
        if client is None:
            with IdCheckClient() as own_client:
                result = own_client.start_verification(user.first_name, user.last_name, born, postal_code)
        else:
            result = client.start_verification(user.first_name, user.last_name, born, postal_code)
    except requests.RequestException as exc:
        log.warning("idcheck unavailable for user %s: %s", user.pk, exc)
        raise IdCheckUnavailable() from exc
    log.info("idcheck %s for user %s: %s", result.get("id"), user.pk, result.get("status"))
    if result.get("status") != "verified":
        raise ValidationError({"identity": "We could not verify your identity with the details given."})
    return result["id"]
