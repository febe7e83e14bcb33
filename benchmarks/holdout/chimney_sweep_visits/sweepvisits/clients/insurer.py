"""Client for the Hearthguard insurer partner API.

Hearthguard insures many of our landlords' properties; we look up the policy
when a visit is booked and file a visit report once the certificate exists.
"""
import logging
import time

import requests
from celery import shared_task
from flask import current_app

from .. import db
from ..models import Appointment, Certificate

logger = logging.getLogger(__name__)

RETRY_PAUSE_SECONDS = 5


class InsurerError(Exception):
    pass


class InsurerClient:
    def __init__(self, base_url, api_key):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                "User-Agent": "hearthworks-sweepvisits/1.14",
            }
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.session.close()

    @classmethod
    def from_app(cls):
        cfg = current_app.config
        return cls(cfg["INSURER_BASE_URL"], cfg["INSURER_API_KEY"])

    def lookup_policy(self, postcode, address_line):
        resp = self.session.get(
            f"{self.base_url}/v2/policies/search",
            params={"postcode": postcode, "address": address_line},
            timeout=(3, 10),
        )
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()

    def submit_visit_report(self, appointment, certificate_key):
        payload = {
            "policy_ref": appointment.insurer_policy_ref,
            "visit_date": appointment.day.isoformat(),
            "flues_swept": appointment.property.flue_count,
            "certificate_ref": certificate_key,
            "contractor_id": "HW-0042",
        }
        headers = {"Idempotency-Key": f"visit-report-{appointment.id}"}
        logger.info("submitting visit report: headers=%s payload=%s", dict(self.session.headers), payload)  # expect: SEC007
        attempt = 0
        while True:  # expect: REL002
            attempt += 1
            try:
                resp = self.session.post(  # expect: REL001
                    f"{self.base_url}/v2/visit-reports", json=payload, headers=headers
                )
            except requests.ConnectionError:
                logger.warning("insurer unreachable (attempt %d), retrying", attempt)
                time.sleep(RETRY_PAUSE_SECONDS)
                continue
            if resp.status_code >= 500:
                logger.warning("insurer returned %s (attempt %d)", resp.status_code, attempt)
                time.sleep(RETRY_PAUSE_SECONDS)
                continue
            if resp.status_code >= 400:
                raise InsurerError(f"visit report rejected: {resp.status_code} {resp.text[:200]}")
            return resp.json()["report_id"]


@shared_task
def file_visit_report(certificate_id):
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not cert.s3_key:
        return None
    appt = db.session.get(Appointment, cert.appointment_id)
    if not appt.insurer_policy_ref:
        return None
    with InsurerClient.from_app() as insurer:
        report_id = insurer.submit_visit_report(appt, cert.s3_key)
    logger.info("visit report %s filed for appointment %s", report_id, appt.id)
    return report_id
