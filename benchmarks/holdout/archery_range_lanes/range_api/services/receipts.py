"""Rental slips and renewal receipts: HTML from Jinja2 templates, e-mailed via Postmark."""
import logging
from datetime import datetime, timezone

import httpx
from jinja2 import Environment, PackageLoader, select_autoescape

logger = logging.getLogger(__name__)

POSTMARK_URL = "https://api.postmarkapp.com/email"

_env = Environment(  # ok: SEC016
    loader=PackageLoader("range_api", "templates"),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


_env.filters["money"] = _money


def render_rental_slip(rental: dict) -> str:
    """Rendered synchronously; async callers run it with asyncio.to_thread."""
    template = _env.get_template("rental_slip.html")
    return template.render(rental=rental, printed_at=datetime.now(timezone.utc))


def render_renewal_notice(member_name: str, plan: str, expires_on) -> str:
    template = _env.get_template("renewal_notice.html")
    return template.render(name=member_name, plan=plan, expires_on=expires_on)


class EmailRejected(Exception):
    """Postmark refused the message (bad address, inactive recipient)."""


async def send_email(client: httpx.AsyncClient, token: str, sender: str, to: str,
                     subject: str, html: str, *, tag: str) -> str:
    """Send one e-mail through Postmark; returns the Postmark message id."""
    resp = await client.post(
        POSTMARK_URL,
        json={"From": sender, "To": to, "Subject": subject, "HtmlBody": html,
              "Tag": tag, "MessageStream": "outbound"},
        headers={"X-Postmark-Server-Token": token, "Accept": "application/json"},
        timeout=10.0,
    )
    if resp.status_code == 422:
        detail = resp.json()
        logger.warning("postmark rejected %s message: code %s", tag, detail.get("ErrorCode"))
        raise EmailRejected(detail.get("Message", "rejected"))
    resp.raise_for_status()
    message_id = resp.json()["MessageID"]
    logger.info("sent %s e-mail (postmark %s)", tag, message_id)
    return message_id
