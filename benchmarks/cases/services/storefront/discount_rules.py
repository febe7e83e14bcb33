"""Volume discount rules: parses the back-office discount table and applies it to cart lines."""
import ast
import logging
import operator
from dataclasses import dataclass
from decimal import Decimal

from .models import DiscountRule

logger = logging.getLogger(__name__)

_COMPARATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


@dataclass
class Line:
    sku: str
    category: str
    quantity: int
    unit_price: Decimal


def _enabled_rules():
    return DiscountRule.query.filter_by(enabled=True).order_by(DiscountRule.priority).limit(200).all()


def parse_categories(raw: str) -> list[str]:
    """Categories are stored as a Python-style list literal, e.g. "['coffee', 'tea']"."""
    value = ast.literal_eval(raw)  # ok: SEC003
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"categories must be a list of strings, got {raw!r}")
    return list(value)


def rule_matches(rule, line: Line) -> bool:
    """A rule is a comparator on quantity plus an optional list of categories."""
    compare = _COMPARATORS.get(rule.quantity_op)
    if compare is None:
        logger.warning("discount rule %s has unknown operator %r", rule.id, rule.quantity_op)
        return False
    if rule.categories and line.category not in parse_categories(rule.categories):
        return False
    return compare(line.quantity, rule.quantity_threshold)


def discounted_price(line: Line) -> Decimal:
    price = line.unit_price
    for rule in _enabled_rules():
        if rule_matches(rule, line):
            price = price * (Decimal(100) - Decimal(rule.percent_off)) / Decimal(100)
            if rule.exclusive:
                break
    return price.quantize(Decimal("0.01"))
