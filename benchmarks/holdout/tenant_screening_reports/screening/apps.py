import logging
import os
import sys
import threading
import time

from django.apps import AppConfig
from django.db import close_old_connections

logger = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 30
POLL_BATCH = 100
ONE_OFF_COMMANDS = {"migrate", "makemigrations", "collectstatic", "shell", "test", "check"}


def _is_one_off_command():
    return len(sys.argv) > 1 and sys.argv[1] in ONE_OFF_COMMANDS


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Tenant screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        if os.environ.get("SCREENING_DISABLE_POLLER") == "1" or _is_one_off_command():
            return
        poller = threading.Thread(target=poll_submitted_orders, name="bureau-status-poller", daemon=True)
        poller.start()  # expect: SCL003


def poll_submitted_orders():
    """Catches reports whose webhook never arrived by asking the bureau directly."""
    from screening.clients.bureau import BureauClient
    from screening.models import ScreeningOrder

    client = BureauClient.from_settings()
    while True:
        close_old_connections()
        submitted = (
            ScreeningOrder.objects.filter(status=ScreeningOrder.Status.SUBMITTED)
            .exclude(bureau_reference__isnull=True)
            .order_by("submitted_at")[:POLL_BATCH]
        )
        for order in submitted:
            try:
                status = client.get_status(order.bureau_reference)
            except Exception:  # ok: ERR001
                logger.exception("status poll failed order=%s ref=%s", order.pk, order.bureau_reference)
                continue
            if status.get("state") == "complete":
                order.mark_complete()
                logger.info("order=%s completed via poll", order.pk)
        time.sleep(POLL_INTERVAL_SECONDS)
