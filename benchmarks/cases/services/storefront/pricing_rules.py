"""Merchandiser-defined pricing rules: evaluates rule expressions to adjust cart line prices."""
import logging
from dataclasses import dataclass
from decimal import Decimal

from .models import PricingRule

logger = logging.getLogger(__name__)


@dataclass
class LineContext:
    sku: str
    category: str
    quantity: int
    unit_price: Decimal
    customer_tier: str


def _active_rules():
    return PricingRule.query.filter_by(enabled=True).order_by(PricingRule.priority).limit(200).all()


def rule_matches(rule, line: LineContext) -> bool:
    """Rules carry a condition such as `quantity >= 10 and category == 'coffee'`."""
    scope = {
        "sku": line.sku,
        "category": line.category,
        "quantity": line.quantity,
        "tier": line.customer_tier,
    }
    return bool(eval(rule.condition, {"__builtins__": {}}, scope))  # expect: SEC003


def apply_rules(line: LineContext) -> Decimal:
    """Return the unit price after every matching rule has been applied in priority order."""
    price = line.unit_price
    for rule in _active_rules():
        if not rule_matches(rule, line):
            continue
        if rule.kind == "percent_off":
            price = price * (Decimal(100) - Decimal(rule.amount)) / Decimal(100)
        elif rule.kind == "fixed_price":
            price = Decimal(rule.amount)
        elif rule.kind == "custom":
            price = run_custom_rule(rule, line, price)
        if rule.stop_processing:
            break
    return price.quantize(Decimal("0.01"))


def run_custom_rule(rule, line: LineContext, price: Decimal) -> Decimal:
    """Custom rules are small snippets written in the back office that set `price`."""
    namespace = {"price": price, "line": line, "Decimal": Decimal}
    exec(rule.body, namespace)  # expect: SEC003
    result = namespace.get("price", price)
    if not isinstance(result, Decimal):
        logger.warning("custom rule %s returned %r, ignoring", rule.id, type(result))
        return price
    return result
