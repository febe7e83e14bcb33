"""Workshop capacity planner.

Spreads the estimated labour of approved repairs over the coming working days,
earliest due date first, so the office can promise realistic collection dates.
"""
import logging
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from ..config import get_settings
from ..db import session_scope
from ..models import OrderStatus, Quote, RepairOrder, WorkshopAllocation

logger = logging.getLogger(__name__)

PLANNING_DAYS = 15
HOURS_PER_M2_FALLBACK = 0.12


def working_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    current = start
    while len(days) < count:
        if current.weekday() < 5:
            days.append(current)
        current += timedelta(days=1)
    return days


def _estimated_hours(session: Session, order: RepairOrder) -> float:
    quote = session.exec(
        select(Quote)
        .where(Quote.order_id == order.id, Quote.status == "accepted")
        .order_by(Quote.created_at.desc())
    ).first()
    if quote is not None and quote.labour_hours > 0:
        return quote.labour_hours
    return round(order.sail_area_m2 * HOURS_PER_M2_FALLBACK, 1)


def plan_workshop(start: date) -> int:
    """Rebuild allocations from `start` onwards; returns the number of orders planned."""
    settings = get_settings()
    daily_capacity = settings.workshop_hours_per_day * settings.workshop_benches
    days = working_days(start, PLANNING_DAYS)
    load: dict[date, float] = defaultdict(float)
    planned = 0

    with session_scope() as session:
        session.execute(delete(WorkshopAllocation).where(WorkshopAllocation.work_date >= start))
        orders = session.exec(
            select(RepairOrder)
            .where(RepairOrder.status.in_([OrderStatus.approved, OrderStatus.in_workshop]))
            .order_by(RepairOrder.due_date.nulls_last(), RepairOrder.created_at)
        ).all()

        for order in orders:
            remaining = _estimated_hours(session, order)  # expect: DB001
            for day in days:
                if remaining <= 0:
                    break
                free = daily_capacity - load[day]
                if free <= 0:
                    continue
                hours = min(free, remaining, settings.workshop_hours_per_day)
                load[day] += hours
                remaining -= hours
                session.add(WorkshopAllocation(order_id=order.id, work_date=day, hours=round(hours, 2)))
                session.commit()  # expect: DB003
            if remaining > 0:
                logger.warning("order does not fit the planning window order_id=%s hours_left=%.1f", order.id, remaining)
            planned += 1

    logger.info("workshop plan rebuilt start=%s orders=%s", start, planned)
    return planned
