"""Notification preference API: lets signed-in users choose which messages they receive."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import current_user
from .db import get_async_session
from .models import NotificationLog, NotificationPreference

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/me/notifications")


class Preferences(BaseModel):
    weekly_digest: bool = True
    order_updates_sms: bool = False
    marketing_email: bool = False


@router.get("/preferences", response_model=Preferences)
async def read_preferences(user=Depends(current_user), session: AsyncSession = Depends(get_async_session)):
    prefs = await session.scalar(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    if prefs is None:
        return Preferences()
    return Preferences(
        weekly_digest=prefs.weekly_digest,
        order_updates_sms=prefs.order_updates_sms,
        marketing_email=prefs.marketing_email,
    )


@router.put("/preferences", response_model=Preferences)
async def update_preferences(
    body: Preferences,
    user=Depends(current_user),
    session: AsyncSession = Depends(get_async_session),
):
    stmt = (
        insert(NotificationPreference)
        .values(user_id=user.id, **body.model_dump())
        .on_conflict_do_update(index_elements=[NotificationPreference.user_id], set_=body.model_dump())
    )
    await session.execute(stmt)
    await session.commit()
    logger.info("user %s updated notification preferences", user.id)
    return body


@router.get("/history")
async def notification_history(
    user=Depends(current_user),
    session: AsyncSession = Depends(get_async_session),
    limit: int = Query(25, ge=1, le=100),
    before_id: int | None = Query(None),
):
    query = select(NotificationLog).where(NotificationLog.user_id == user.id)
    if before_id is not None:
        query = query.where(NotificationLog.id < before_id)
    result = await session.scalars(query.order_by(NotificationLog.id.desc()).limit(limit))
    items = result.all()  # ok: DB002
    if before_id is not None and not items:
        raise HTTPException(status_code=404, detail="no more notifications")
    return {
        "items": [{"id": n.id, "channel": n.channel, "subject": n.subject, "sent_at": n.sent_at} for n in items],
        "next_before_id": items[-1].id if len(items) == limit else None,
    }
