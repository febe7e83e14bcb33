"""Day-before text messages for live queen shipments.

Run from cron at 16:00 Central on the day before each ship day:
``flask --app 'hivekit:create_app()' send-ship-notices``.
"""
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import click
from botocore.config import Config
from botocore.exceptions import ClientError

from .. import config
from ..db import pool

log = logging.getLogger(__name__)

sns = boto3.client(
    "sns",
    region_name=config.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}),
)

NOTICE = (
    "HiveKit: your {queens} queen(s) ship tomorrow, {ships_on:%a %b %d}. "
    "Keep the box out of direct sun and open it within 4 hours of delivery. Reply STOP to opt out."
)
SMS_ATTRIBUTES = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


def _due_bookings(conn, ships_on: date) -> list[dict]:
    return conn.execute(
        "SELECT b.id, b.queen_count, c.phone FROM queen_bookings b "
        "JOIN customers c ON c.id = b.customer_id "
        "JOIN shipping_windows w ON w.id = b.window_id "
        "WHERE w.ships_on = %s AND b.cancelled_at IS NULL AND b.notice_sent_at IS NULL "
        "AND c.sms_opt_in AND c.phone IS NOT NULL",
        (ships_on,),
    ).fetchall()


def send_ship_notices(ships_on: date) -> int:
    """Text every customer with queens shipping on ``ships_on``; returns how many were sent."""
    sent: list[int] = []
    with pool.connection() as conn:
        bookings = _due_bookings(conn, ships_on)
        for booking in bookings:
            message = NOTICE.format(queens=booking["queen_count"], ships_on=ships_on)
            try:
                sns.publish(PhoneNumber=booking["phone"], Message=message, MessageAttributes=SMS_ATTRIBUTES)  # expect: REL004
                sent.append(booking["id"])
            except ClientError as exc:
                log.error("ship notice for booking %s failed: %s", booking["id"], exc)  # expect: OBS002
        conn.execute("UPDATE queen_bookings SET notice_sent_at = now() WHERE id = ANY(%s)", (sent,))
    log.info("ship notices for %s: %d sent, %d failed", ships_on, len(sent), len(bookings) - len(sent))
    return len(sent)


@click.command("send-ship-notices")
@click.option("--date", "ship_date", default=None, help="Ship date YYYY-MM-DD (default: tomorrow, Central).")
def send_ship_notices_command(ship_date: str | None) -> None:
    if ship_date:
        ships_on = date.fromisoformat(ship_date)
    else:
        ships_on = datetime.now(ZoneInfo(config.QUEEN_SHIP_TIMEZONE)).date() + timedelta(days=1)
    if ships_on.weekday() not in config.QUEEN_SHIP_WEEKDAYS:
        click.echo(f"{ships_on} is not a ship day; nothing to send")
        return
    count = send_ship_notices(ships_on)
    click.echo(f"sent {count} ship notices for {ships_on}")
