"""Gift card issuing and spending used by the checkout and the payment webhook."""
import logging
import secrets
import string
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import GiftCard, GiftCardTransaction, Preorder

logger = logging.getLogger(__name__)

CODE_ALPHABET = string.ascii_uppercase + string.digits
CARD_LIFETIME = timedelta(days=730)


class GiftCardError(Exception):
    pass


def new_code():
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4)  # ok: SEC010
    )


def masked(code):
    return f"{code[:4]}-****-****-{code[-4:]}"


def issue(purchaser, amount_pence, recipient_email=""):
    for _ in range(5):
        try:
            with transaction.atomic():
                return GiftCard.objects.create(  # ok: DB005
                    code=new_code(),
                    initial_pence=amount_pence,
                    balance_pence=amount_pence,
                    purchaser=purchaser,
                    recipient_email=recipient_email,
                    expires_at=timezone.now() + CARD_LIFETIME,
                    is_active=False,
                )
        except IntegrityError:
            logger.warning("gift card code collision, drawing another")
    raise GiftCardError("could not allocate a unique gift card code")


def apply_to_preorder(code, preorder_id, customer):
    code = code.strip().upper()
    with transaction.atomic():
        card = (
            GiftCard.objects.select_for_update()
            .filter(code=code, is_active=True, expires_at__gt=timezone.now())
            .first()
        )
        if card is None:
            logger.info("customer %s tried unknown gift card %s", customer.pk, masked(code))  # ok: SEC007
            raise GiftCardError("unknown or expired card")
        preorder = Preorder.objects.select_for_update().get(pk=preorder_id, customer=customer)

        amount = min(card.balance_pence, preorder.amount_due_pence)
        if amount <= 0:
            raise GiftCardError("nothing to apply")

        card.balance_pence -= amount
        card.save(update_fields=["balance_pence"])  # ok: DB004
        preorder.gift_card_pence += amount
        preorder.save(update_fields=["gift_card_pence"])
        GiftCardTransaction.objects.create(card=card, preorder=preorder, amount_pence=-amount)

    logger.info("applied %s pence from card %s to preorder %s", amount, masked(code), preorder_id)
    return amount


def activate_after_payment(card_id):
    updated = GiftCard.objects.filter(pk=card_id, is_active=False).update(is_active=True)
    if updated:
        logger.info("gift card %s activated", card_id)
    return bool(updated)
