import logging
import threading
import time
from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db import close_old_connections

logger = logging.getLogger(__name__)

CLEANING_MINUTES = 45
SWEEP_SECONDS = 60


def release_cleaned_beds():
    from django.utils import timezone

    from wards.models import Bed

    cutoff = timezone.now() - timedelta(minutes=CLEANING_MINUTES)
    released = Bed.objects.filter(
        status=Bed.CLEANING, cleaning_done_at__isnull=False, cleaning_done_at__lte=cutoff
    ).update(status=Bed.FREE, cleaning_done_at=None)
    if released:
        logger.info("released %d cleaned beds", released)
    return released


def _sweep_forever():
    while True:  # ok: REL002
        try:
            release_cleaned_beds()
        except Exception:
            logger.exception("bed release sweep failed")
        finally:
            close_old_connections()
        time.sleep(SWEEP_SECONDS)


@checks.register(checks.Tags.compatibility)
def reporting_configured(app_configs, **kwargs):
    errors = []
    if not getattr(settings, "REPORTING_DSN", ""):
        errors.append(checks.Error("REPORTING_DSN is not set", id="wards.E001"))
    if not getattr(settings, "TWILIO_ACCOUNT_SID", ""):
        errors.append(checks.Warning("TWILIO_ACCOUNT_SID is empty; on-call paging is disabled",
                                     id="wards.W001"))
    return errors


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Wards and beds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        sweeper = threading.Thread(target=_sweep_forever, name="bed-release-sweeper", daemon=True)
        sweeper.start()  # expect: SCL003
        logger.info("wards app ready; bed release sweeper started")
