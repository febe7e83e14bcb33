"""Night-before SMS reminders for fittings. Run by the k8s CronJob at 18:00."""
import logging
from datetime import datetime, timedelta

import click
import httpx
import pytz  # expect: DEP002
from flask import Blueprint, current_app

from tailor.models import Fitting, FittingSlot, db

bp = Blueprint("reminders", __name__, cli_group=None)
log = logging.getLogger(__name__)

REMINDER_TEXT = (
    "Hi {first_name}, a reminder of your fitting at Stitchworks tomorrow at {when}. "
    "Reply MOVE to change it."
)


def _tomorrow_bounds(tz_name):
    tz = pytz.timezone(tz_name)
    local_now = datetime.now(tz)
    start_local = tz.localize(datetime.combine(local_now.date() + timedelta(days=1), datetime.min.time()))
    end_local = start_local + timedelta(days=1)
    # slots are stored as naive UTC
    return (
        start_local.astimezone(pytz.utc).replace(tzinfo=None),
        end_local.astimezone(pytz.utc).replace(tzinfo=None),
        tz,
    )


def _format_time(slot_start_utc, tz):
    return pytz.utc.localize(slot_start_utc).astimezone(tz).strftime("%H:%M")


@bp.cli.command("send-fitting-reminders")
@click.option("--dry-run", is_flag=True)
def send_fitting_reminders(dry_run):
    cfg = current_app.config
    start, end, tz = _tomorrow_bounds(cfg["SHOP_TIMEZONE"])
    fittings = (
        Fitting.query.join(FittingSlot)
        .filter(
            FittingSlot.starts_at >= start,
            FittingSlot.starts_at < end,
            Fitting.status == "booked",
            Fitting.reminder_sent_at.is_(None),
        )
        .all()
    )
    log.info("%d fittings need a reminder for %s", len(fittings), start.date())

    sent = 0
    headers = {"Authorization": f"Token {cfg['SMS_API_TOKEN']}"}
    with httpx.Client(base_url=cfg["SMS_BASE_URL"], headers=headers, timeout=None) as sms:  # expect: REL001
        for fitting in fittings:
            customer, slot = fitting.customer, fitting.slot  # expect: DB001
            if not customer.sms_opt_in:
                continue
            body = REMINDER_TEXT.format(
                first_name=customer.full_name.split()[0],
                when=_format_time(slot.starts_at, tz),
            )
            if dry_run:
                click.echo(f"{customer.phone}: {body}")
                continue
            try:
                resp = sms.post("/v1/messages", json={"from": cfg["SMS_SENDER"], "to": customer.phone, "text": body})
                resp.raise_for_status()
            except Exception:  # expect: ERR001
                continue
            fitting.reminder_sent_at = datetime.utcnow()
            db.session.commit()  # expect: DB003
            sent += 1

    log.info("sent %d fitting reminders", sent)
    click.echo(f"sent {sent} reminders")
