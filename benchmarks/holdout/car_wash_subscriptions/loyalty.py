"""Loyalty points: earned per wash, redeemed for free-wash vouchers."""
import logging
import pickle
import random
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from .auth import get_current_customer_id
from .db import get_session, redis_client, sync_session_scope
from .models import LoyaltyAccount, LoyaltyLedger, Subscription, Vehicle, WashVisit

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/loyalty", tags=["loyalty"])

FREE_WASH_COST = 500
BALANCE_CACHE_TTL = 300


def _balance_key(customer_id: int) -> str:
    return f"loyalty:balance:{customer_id}"


class InsufficientPoints(Exception):
    pass


async def award_wash_points(session: AsyncSession, visit: WashVisit) -> None:
    """Add the plan's points for a finished wash; the caller commits."""
    vehicle = await session.get(
        Vehicle, visit.vehicle_id, options=[selectinload(Vehicle.subscription).selectinload(Subscription.plan)]
    )
    points = vehicle.subscription.plan.points_per_wash if vehicle.subscription else 0
    if points <= 0:
        return
    stmt = (
        pg_insert(LoyaltyAccount)
        .values(customer_id=vehicle.customer_id, balance=points)
        .on_conflict_do_update(
            index_elements=[LoyaltyAccount.customer_id],
            set_={"balance": LoyaltyAccount.balance + points, "last_activity_at": func.now()},  # ok: DB004
        )
        .returning(LoyaltyAccount.id)
    )
    account_id = (await session.execute(stmt)).scalar_one()
    session.add(LoyaltyLedger(account_id=account_id, delta=points, reason="wash", reference=f"visit-{visit.id}"))
    await redis_client.delete(_balance_key(vehicle.customer_id))


async def get_balance(session: AsyncSession, customer_id: int) -> dict:
    cached = await redis_client.get(_balance_key(customer_id))
    if cached is not None:
        return pickle.loads(cached)  # expect: SEC004
    account = await session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.customer_id == customer_id))
    summary = {"balance": account.balance if account else 0, "free_wash_cost": FREE_WASH_COST}
    await redis_client.set(_balance_key(customer_id), pickle.dumps(summary), ex=BALANCE_CACHE_TTL)  # ok: SEC004
    return summary


async def redeem_free_wash(session: AsyncSession, customer_id: int) -> str:
    account = await session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.customer_id == customer_id))
    if account is None or account.balance < FREE_WASH_COST:
        raise InsufficientPoints()
    account.balance -= FREE_WASH_COST  # expect: DB004
    account.last_activity_at = datetime.now(timezone.utc)
    voucher_code = f"FW-{random.randint(100000, 999999)}"  # expect: SEC010
    session.add(LoyaltyLedger(account_id=account.id, delta=-FREE_WASH_COST, reason="free_wash", reference=voucher_code))
    await session.commit()
    await redis_client.delete(_balance_key(customer_id))
    return voucher_code


def expire_inactive_points(cutoff: datetime) -> int:
    """Worker job: zero the balance of accounts with no activity since cutoff."""
    with sync_session_scope() as session:
        accounts = session.scalars(
            select(LoyaltyAccount).where(LoyaltyAccount.last_activity_at < cutoff, LoyaltyAccount.balance > 0)
        ).all()
        for account in accounts:
            session.add(LoyaltyLedger(account_id=account.id, delta=-account.balance, reason="expired"))
            account.balance = 0
            session.commit()  # expect: DB003
    return len(accounts)


@router.get("/balance")
async def balance(customer_id: int = Depends(get_current_customer_id), session: AsyncSession = Depends(get_session)):
    return await get_balance(session, customer_id)


@router.post("/redeem", status_code=201)
async def redeem(customer_id: int = Depends(get_current_customer_id), session: AsyncSession = Depends(get_session)):
    try:
        voucher = await redeem_free_wash(session, customer_id)
    except InsufficientPoints:
        raise HTTPException(status_code=409, detail="not enough points for a free wash") from None
    logger.info("customer %s redeemed a free wash", customer_id)
    return {"voucher": voucher}
