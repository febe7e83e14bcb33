"""Donor eligibility: local rules plus the national registry's deferral list."""
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import requests
from django.conf import settings

log = logging.getLogger(__name__)

MIN_AGE = 17
MAX_FIRST_TIME_AGE = 66
WHOLE_BLOOD_INTERVAL = timedelta(days=84)

_registry_cache: dict[str, dict] = {}


@dataclass
class Decision:
    eligible: bool
    reason: str = ""


def _age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def registry_record(national_id: str) -> dict:
    if national_id in _registry_cache:
        return _registry_cache[national_id]
    resp = requests.get(  # expect: REL001
        f"{settings.REGISTRY_BASE_URL}/donors/{national_id}/status",
        headers={"Authorization": f"Bearer {settings.REGISTRY_API_KEY}"},
    )
    resp.raise_for_status()
    record = resp.json()
    _registry_cache[national_id] = record  # expect: RES002
    return record


def registry_allows(national_id: str) -> bool:
    try:
        record = registry_record(national_id)
    except Exception:  # expect: ERR001
        return True
    if record.get("permanently_deferred"):
        return False
    deferred_until = record.get("deferred_until")
    return not deferred_until or date.fromisoformat(deferred_until) <= date.today()


def check_donor(donor, on: date | None = None) -> Decision:
    on = on or date.today()
    age = _age_on(donor.date_of_birth, on)
    if age < MIN_AGE:
        return Decision(False, f"donors must be at least {MIN_AGE}")
    if donor.donation_count == 0 and age > MAX_FIRST_TIME_AGE:
        return Decision(False, "first-time donors must be under 67")
    if donor.deferred_until and donor.deferred_until > on:
        return Decision(False, f"deferred until {donor.deferred_until:%d %B %Y}")
    if donor.last_donation_on and on - donor.last_donation_on < WHOLE_BLOOD_INTERVAL:
        next_date = donor.last_donation_on + WHOLE_BLOOD_INTERVAL
        return Decision(False, f"next donation possible from {next_date:%d %B %Y}")
    if not registry_allows(donor.national_id):
        return Decision(False, "please contact the donor line")
    return Decision(True)


def refresh_donor(donor) -> Decision:
    decision = check_donor(donor)
    donor.eligibility = "eligible" if decision.eligible else "deferred"
    donor.save(update_fields=["eligibility"])
    log.info("donor=%s eligibility=%s", donor.pk, donor.eligibility)
    return decision
