"""Guest list: promoters add names, door staff search and admit parties."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import DeviceClaims, Principal, door_device, require_role
from boxoffice.db import get_session
from boxoffice.models import Event, GuestListEntry, Promoter

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/events/{event_id}/guestlist", tags=["guest list"])


class NewEntry(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    plus_ones: int = Field(0, ge=0, le=6)


class AdmitBody(BaseModel):
    party_size: int = Field(1, ge=1, le=7)


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_guest(
    event_id: int,
    body: NewEntry,
    principal: Principal = Depends(require_role("promoter")),
    session: AsyncSession = Depends(get_session),
):
    owns = await session.scalar(
        select(Event.id).join(Promoter, Promoter.id == Event.promoter_id).where(
            Event.id == event_id, Promoter.owner_user_id == principal.user_id
        )
    )
    if owns is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such event")
    entry = GuestListEntry(event_id=event_id, name=body.name.strip(), plus_ones=body.plus_ones, added_by=principal.user_id)
    session.add(entry)
    await session.commit()
    logger.info("guest list entry %s added to event %s by user %s", entry.id, event_id, principal.user_id)
    return {"id": entry.id, "name": entry.name, "plus_ones": entry.plus_ones}


@router.get("")
async def search_guests(
    event_id: int,
    q: str = Query(..., min_length=2, max_length=60),
    device: DeviceClaims = Depends(door_device),
    session: AsyncSession = Depends(get_session),
):
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    entries = await session.scalars(
        select(GuestListEntry)
        .where(GuestListEntry.event_id == event_id, GuestListEntry.name.ilike(pattern, escape="\\"))  # ok: DB006
        .order_by(GuestListEntry.name)
        .limit(25)
    )
    return {
        "results": [
            {"id": e.id, "name": e.name, "party": e.plus_ones + 1, "admitted": e.admitted} for e in entries
        ]
    }


@router.post("/{entry_id}/admit")
async def admit_guest(
    event_id: int,
    entry_id: int,
    body: AdmitBody,
    device: DeviceClaims = Depends(door_device),
    session: AsyncSession = Depends(get_session),
):
    entry = await session.scalar(
        select(GuestListEntry).where(GuestListEntry.id == entry_id, GuestListEntry.event_id == event_id)
    )
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="not on the list")

    allowed = entry.plus_ones + 1
    if entry.admitted + body.party_size > allowed:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"only {allowed - entry.admitted} of {allowed} left on this entry",
        )
    entry.admitted += body.party_size  # expect: DB004
    entry.last_gate = device.gate
    await session.commit()
    logger.info("guest entry %s admitted %d at gate %s (%d/%d)", entry.id, body.party_size, device.gate, entry.admitted, allowed)
    return {"id": entry.id, "admitted": entry.admitted, "remaining": allowed - entry.admitted}
