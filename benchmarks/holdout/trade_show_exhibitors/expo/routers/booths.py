"""Floor plan and booth allocation."""
import logging

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.db import get_db
from expo.models import Booth, Show
from expo.security import Principal, current_principal, exhibitor_for_principal, require_organizer
from expo.services.cache import publish_floorplan_change

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/shows/{show_slug}/booths", tags=["booths"])


class AllocationIn(BaseModel):
    exhibitor_id: int


def _show_or_404(db: Session, show_slug: str) -> Show:
    show = db.scalars(select(Show).where(Show.slug == show_slug)).one_or_none()
    if show is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "show not found")
    return show


def _booth_dict(booth: Booth) -> dict:
    return {
        "label": booth.label,
        "hall": booth.hall,
        "size_sqm": booth.size_sqm,
        "price_cents": booth.price_cents,
        "taken": booth.exhibitor_id is not None,
        "held": booth.held_until is not None,
    }


@router.get("")
def floor_plan(show_slug: str, db: Session = Depends(get_db)):
    show = _show_or_404(db, show_slug)
    stmt = select(Booth).where(Booth.show_id == show.id).order_by(Booth.hall, Booth.label)
    booths = db.scalars(stmt).all()  # ok: DB002
    return {"show": show.slug, "booths": [_booth_dict(b) for b in booths]}


def _allocate(db: Session, show_slug: str, label: str, exhibitor_id: int, principal: Principal) -> Booth:
    show = _show_or_404(db, show_slug)
    exhibitor = exhibitor_for_principal(exhibitor_id, db, principal)
    if exhibitor.show_id != show.id:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "exhibitor is registered for another show")
    booth = db.scalars(select(Booth).where(Booth.show_id == show.id, Booth.label == label)).one_or_none()
    if booth is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booth not found")
    if booth.exhibitor_id is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "booth already allocated")
    booth.exhibitor_id = exhibitor.id
    booth.held_by_exhibitor_id = None
    booth.held_until = None
    db.commit()  # expect: DB005
    return booth


@router.post("/{label}/allocate", status_code=status.HTTP_201_CREATED)
async def allocate_booth(
    show_slug: str,
    label: str,
    body: AllocationIn,
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    booth = _allocate(db, show_slug, label, body.exhibitor_id, principal)  # expect: CON001
    logger.info("booth %s/%s allocated to exhibitor %s", show_slug, label, body.exhibitor_id)
    await publish_floorplan_change(show_slug, label)
    return _booth_dict(booth)


@router.delete("/{label}/allocation", status_code=status.HTTP_204_NO_CONTENT)
def release_booth(
    show_slug: str,
    label: str,
    db: Session = Depends(get_db),
    organizer: Principal = Depends(require_organizer),
):
    show = _show_or_404(db, show_slug)
    booth = db.scalars(select(Booth).where(Booth.show_id == show.id, Booth.label == label)).one_or_none()
    if booth is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booth not found")
    previous = booth.exhibitor_id
    booth.exhibitor_id = None
    db.commit()
    logger.info("organizer %s released booth %s/%s (was exhibitor %s)", organizer.user_id, show_slug, label, previous)
