"""Gift voucher issuing and redemption used by the phone-sales back office."""
import datetime
import logging
import secrets
import string
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import GiftVoucher

logger = logging.getLogger(__name__)

CODE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "O0I1")
CODE_LENGTH = 10
VALIDITY = datetime.timedelta(days=730)


class VoucherError(Exception):
    """A voucher cannot be used for the requested amount."""


@dataclass(frozen=True)
class Redemption:
    code: str
    amount_pence: int
    remaining_pence: int


def generate_code() -> str:
    return "SKY-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))  # ok: SEC010


def issue_voucher(purchaser_email: str, value_pence: int) -> GiftVoucher:
    """Create a voucher with a fresh code, retrying on the rare code collision."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return GiftVoucher.objects.create(
                    code=generate_code(),
                    purchaser_email=purchaser_email,
                    balance_pence=value_pence,
                    expires_on=timezone.localdate() + VALIDITY,
                )
        except IntegrityError:
            logger.warning("voucher code collision, generating another")
    raise VoucherError("Could not allocate a unique voucher code.")


def redeem(code: str, amount_pence: int) -> Redemption:
    """Take amount_pence off a voucher in one conditional statement."""
    code = code.strip().upper()
    today = timezone.localdate()
    with transaction.atomic():
        updated = GiftVoucher.objects.filter(  # ok: DB004
            code=code,
            expires_on__gte=today,
            balance_pence__gte=amount_pence,
        ).update(balance_pence=F("balance_pence") - amount_pence)
        if not updated:
            raise VoucherError("Voucher not found, expired, or balance too low.")
        remaining = GiftVoucher.objects.values_list("balance_pence", flat=True).get(code=code)
    logger.info("voucher redeemed code_suffix=%s amount=%s", code[-4:], amount_pence)
    return Redemption(code=code, amount_pence=amount_pence, remaining_pence=remaining)


def refund_to_voucher(code: str, amount_pence: int) -> None:
    """Put money back on a voucher after a weather cancellation."""
    updated = GiftVoucher.objects.filter(code=code.strip().upper()).update(
        balance_pence=F("balance_pence") + amount_pence,
        expires_on=timezone.localdate() + VALIDITY,
    )
    if not updated:
        raise VoucherError("Voucher not found.")
