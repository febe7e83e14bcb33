"""Stock changes for a vintage: tasting-bar pours, bottle sales, breakage, cellar counts."""
import logging

from django.db import transaction
from django.db.models import F

from .models import InventoryMovement, Vintage

log = logging.getLogger(__name__)


class InsufficientStock(Exception):
    def __init__(self, sku: str, wanted: int, available: int):
        super().__init__(f"{sku}: wanted {wanted}, {available} available")
        self.sku = sku


def record_pour(vintage_id: int, bottles: int, staff) -> Vintage:
    """Bottles opened at the tasting bar come out of on-hand stock."""
    vintage = Vintage.objects.get(pk=vintage_id)
    if vintage.bottles_on_hand < bottles:
        raise InsufficientStock(vintage.sku, bottles, vintage.bottles_on_hand)
    vintage.bottles_on_hand -= bottles
    vintage.save(update_fields=["bottles_on_hand"])  # expect: DB004
    InventoryMovement.objects.create(
        vintage=vintage, delta=-bottles, reason=InventoryMovement.Reason.POUR, staff=staff
    )
    log.info("pour of %d x %s recorded by staff %s", bottles, vintage.sku, staff.pk)
    return vintage


def sell_bottles(vintage_id: int, quantity: int, order_ref: str, staff=None) -> None:
    """Counter sale in the tasting room; the club's allocation is never sold."""
    with transaction.atomic():
        vintage = Vintage.objects.get(pk=vintage_id)
        if vintage.sellable < quantity:
            raise InsufficientStock(vintage.sku, quantity, vintage.sellable)
        Vintage.objects.filter(pk=vintage_id).update(bottles_on_hand=F("bottles_on_hand") - quantity)  # expect: DB005
        InventoryMovement.objects.create(
            vintage_id=vintage_id, delta=-quantity, reason=InventoryMovement.Reason.SALE,
            reference=order_ref, staff=staff,
        )


def record_breakage(vintage_id: int, bottles: int, staff, note: str = "") -> None:
    with transaction.atomic():
        updated = Vintage.objects.filter(pk=vintage_id, bottles_on_hand__gte=bottles).update(bottles_on_hand=F("bottles_on_hand") - bottles)  # ok: DB004
        if not updated:
            vintage = Vintage.objects.get(pk=vintage_id)
            raise InsufficientStock(vintage.sku, bottles, vintage.bottles_on_hand)
        InventoryMovement.objects.create(
            vintage_id=vintage_id, delta=-bottles, reason=InventoryMovement.Reason.BREAKAGE,
            reference=note[:64], staff=staff,
        )


def receive_bottling_run(vintage_id: int, cases: int, staff) -> None:
    bottles = cases * 12
    with transaction.atomic():
        Vintage.objects.filter(pk=vintage_id).update(bottles_on_hand=F("bottles_on_hand") + bottles)  # ok: DB004
        InventoryMovement.objects.create(
            vintage_id=vintage_id, delta=bottles, reason=InventoryMovement.Reason.RECEIPT, staff=staff
        )


def apply_cellar_count(counts: dict[str, int], staff) -> int:
    """Overwrite on-hand figures with a physical count; returns how many vintages changed."""
    changed, movements = [], []
    with transaction.atomic():
        for vintage in Vintage.objects.select_for_update().filter(sku__in=list(counts)):
            delta = counts[vintage.sku] - vintage.bottles_on_hand
            if delta:
                vintage.bottles_on_hand = counts[vintage.sku]
                changed.append(vintage)
                movements.append(InventoryMovement(
                    vintage=vintage, delta=delta, reason=InventoryMovement.Reason.COUNT, staff=staff
                ))
        Vintage.objects.bulk_update(changed, ["bottles_on_hand"])  # ok: DB003
        InventoryMovement.objects.bulk_create(movements)
    log.info("cellar count by staff %s changed %d vintages", staff.pk, len(changed))
    return len(changed)
