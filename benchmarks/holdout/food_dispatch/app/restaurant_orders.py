from datetime import date

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import restaurant_staff
from app.db import get_session
from app.models import Courier, Order

router = APIRouter(prefix="/restaurants", tags=["restaurants"])


def courier_label(session: Session, courier_id: int | None) -> str:
    if courier_id is None:
        return "unassigned"
    row = session.execute(
        select(Courier.first_name, Courier.last_name).where(Courier.id == courier_id)
    ).one_or_none()
    if row is None:
        return "unknown"
    return f"{row.first_name} {row.last_name[:1]}."


@router.get("/{restaurant_id}/orders")
def order_history(restaurant_id: int, staff=Depends(restaurant_staff), session: Session = Depends(get_session)):
    if staff.restaurant_id != restaurant_id:
        raise HTTPException(status_code=403, detail="not your restaurant")

    orders = session.scalars(  # expect: DB002
        select(Order).where(Order.restaurant_id == restaurant_id).order_by(Order.created_at.desc())
    ).all()

    items = []
    for order in orders:
        items.append(
            {
                "id": order.id,
                "placed_at": order.created_at.isoformat(),
                "status": order.status.value,
                "subtotal": str(order.subtotal),
                "courier": courier_label(session, order.courier_id),  # expect: DB001
            }
        )
    today = date.today()
    return {
        "restaurant_id": restaurant_id,
        "orders": items,
        "today_count": sum(1 for o in orders if o.created_at.date() == today),
    }
