"""Guest notifications for closures and changes decided by the warden."""
import datetime
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import asyncpg

from ..config import Config

logger = logging.getLogger(__name__)

CLOSURE_TEXT = (
    "Dear {name},\n\n"
    "unfortunately {hut} has to close on the night of {night:%d.%m.%Y}: {reason}.\n"
    "Your booking for {party} has been cancelled and nothing will be charged.\n"
    "Please check the avalanche bulletin and the hut's page before you set off.\n\n"
    "The warden team"
)


def _smtp_deliver(config: Config, message: EmailMessage) -> None:
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=20) as smtp:
        smtp.starttls()
        if config.smtp_username:
            smtp.login(config.smtp_username, config.smtp_password)
        smtp.send_message(message)


async def _mail_guest(config: Config, to: str, subject: str, text: str) -> bool:
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="huetten.example.org")
    message.set_content(text)
    try:
        _smtp_deliver(config, message)  # expect: CON001
        return True
    except Exception:  # expect: ERR001
        return False


async def notify_closure(
    pool: asyncpg.Pool, config: Config, *, hut_id: int, night: datetime.date, reason: str
) -> tuple[int, int]:
    """Cancel every confirmed booking for the night and tell the guests. Returns (cancelled, mailed)."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            hut_name = await conn.fetchval("SELECT name FROM huts WHERE id = $1", hut_id)
            rows = await conn.fetch(
                "UPDATE reservations SET status = 'cancelled_closure' "
                "WHERE hut_id = $1 AND night = $2 AND status = 'confirmed' "
                "RETURNING id, guest_name, email, party_size",
                hut_id, night,
            )
            await conn.execute(
                "UPDATE hut_nights SET bunks_taken = 0, half_board = 0, closed = true WHERE hut_id = $1 AND night = $2",
                hut_id, night,
            )

    mailed = 0
    for row in rows:
        ok = await _mail_guest(
            config,
            row["email"],
            f"{hut_name}: closed on {night:%d.%m.%Y}",
            CLOSURE_TEXT.format(
                name=row["guest_name"],
                hut=hut_name,
                night=night,
                reason=reason,
                party=f"{row['party_size']} people",
            ),
        )
        mailed += int(ok)
    logger.info("closure notified hut_id=%s night=%s cancelled=%s mailed=%s", hut_id, night, len(rows), mailed)
    return len(rows), mailed
