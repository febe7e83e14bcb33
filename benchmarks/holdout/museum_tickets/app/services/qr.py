"""Ticket codes and the signed QR payloads checked at the gate."""
import base64
import hashlib
import hmac
import io
import secrets

import qrcode

from app.config import get_settings

CODE_BYTES = 12
PAYLOAD_VERSION = "t1"


class InvalidTicketSignature(ValueError):
    """The scanned payload was not issued by us or has been altered."""


def new_ticket_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)  # ok: SEC010


def _mac(code: str) -> str:
    key = get_settings().qr_signing_key.get_secret_value().encode()
    digest = hmac.new(key, f"{PAYLOAD_VERSION}:{code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def sign_ticket(code: str) -> str:
    """Payload encoded in the QR code: version, ticket code and a truncated HMAC."""
    return f"{PAYLOAD_VERSION}.{code}.{_mac(code)}"


def verify_ticket_payload(payload: str) -> str:
    """Return the ticket code if the payload's signature is valid."""
    try:
        version, code, mac = payload.strip().split(".")
    except ValueError as exc:
        raise InvalidTicketSignature("malformed payload") from exc
    if version != PAYLOAD_VERSION:
        raise InvalidTicketSignature("unknown payload version")
    if not hmac.compare_digest(mac, _mac(code)):
        raise InvalidTicketSignature("bad signature")
    return code


def qr_png(payload: str, box_size: int = 8) -> bytes:
    """Render a payload as a PNG for e-mail attachments and the wallet page."""
    image = qrcode.make(payload, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
