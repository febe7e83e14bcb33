"""Patron tabs: open a tab, self-pour from the tap wall, view the bill."""
import logging
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taproom.auth import current_patron_id
from taproom.db import get_session
from taproom.models import AgeVerification, Beer, Keg, Tab, TabLine

log = logging.getLogger(__name__)
router = APIRouter(prefix="/tabs", tags=["tabs"])

POUR_ML = {"taster": 150, "half": 284, "pint": 568}
PRICE_FACTOR = {"taster": 0.3, "half": 0.55, "pint": 1.0}


class OpenTabIn(BaseModel):
    card_token: str = Field(min_length=8, max_length=64)


class PourIn(BaseModel):
    tap_id: int
    size: Literal["taster", "half", "pint"]


@router.post("", status_code=201)
def open_tab(body: OpenTabIn, patron_id: int = Depends(current_patron_id),
             session: Session = Depends(get_session)) -> dict:
    verified = session.scalar(
        select(AgeVerification.id).where(AgeVerification.patron_id == patron_id,
                                         AgeVerification.approved.is_(True)).limit(1)
    )
    if verified is None:
        raise HTTPException(403, detail="age verification required")
    tab = Tab(patron_id=patron_id, card_token=body.card_token)
    session.add(tab)
    try:
        session.commit()  # ok: DB005
    except IntegrityError:
        session.rollback()
        raise HTTPException(409, detail="you already have an open tab")
    session.refresh(tab)
    return {"id": tab.id, "opened_at": tab.opened_at.isoformat()}


@router.post("/{tab_id}/pours", status_code=201)
def add_pour(tab_id: int, pour: PourIn, patron_id: int = Depends(current_patron_id),  # ok: CON001
             session: Session = Depends(get_session)) -> dict:
    tab = session.get(Tab, tab_id)  # expect: SEC018
    if tab is None or tab.closed_at is not None:
        raise HTTPException(404, detail="open tab not found")

    keg = session.scalars(select(Keg).where(Keg.tap_id == pour.tap_id, Keg.status == "on_tap")).first()
    ml = POUR_ML[pour.size]
    if keg is None or keg.remaining_ml < ml:
        raise HTTPException(409, detail="this tap needs a new keg")
    keg.remaining_ml -= ml  # expect: DB004

    price = round(keg.beer.pint_price_cents * PRICE_FACTOR[pour.size])
    line = TabLine(tab_id=tab.id, beer_id=keg.beer_id, size=pour.size, price_cents=price)
    session.add(line)
    session.commit()
    return {"line_id": line.id, "price_cents": price, "keg_remaining_ml": keg.remaining_ml}


def _bill_for(session: Session, tab_id: int, patron_id: int) -> dict:
    tab = session.scalars(select(Tab).where(Tab.id == tab_id, Tab.patron_id == patron_id)).first()
    if tab is None:
        raise HTTPException(404, detail="tab not found")
    lines = session.scalars(select(TabLine).where(TabLine.tab_id == tab.id).order_by(TabLine.poured_at)).all()
    items = []
    for line in lines:
        beer = session.get(Beer, line.beer_id)  # expect: DB001
        items.append({"beer": beer.name, "size": line.size, "price_cents": line.price_cents})
    return {"tab_id": tab.id, "items": items, "total_cents": sum(i["price_cents"] for i in items)}


@router.get("/{tab_id}/bill")
async def bill(tab_id: int, patron_id: int = Depends(current_patron_id),
               session: Session = Depends(get_session)) -> dict:
    return _bill_for(session, tab_id, patron_id)  # expect: CON001
