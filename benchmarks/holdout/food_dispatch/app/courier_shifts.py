from decimal import Decimal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.auth import current_courier
from app.db import get_session
from app.models import Shift

router = APIRouter(prefix="/courier/shifts", tags=["courier"])


@router.get("")
def my_shifts(
    page: int = Query(1, ge=1),
    per_page: int = Query(20, ge=1, le=100),
    courier=Depends(current_courier),
    session: Session = Depends(get_session),
):
    total = session.scalar(select(func.count()).select_from(Shift).where(Shift.courier_id == courier.id))
    shifts = session.scalars(
        select(Shift)
        .where(Shift.courier_id == courier.id)
        .options(selectinload(Shift.deliveries))  # ok: DB001
        .order_by(Shift.started_at.desc())
        .limit(per_page)  # ok: DB002
        .offset((page - 1) * per_page)
    ).all()

    items = []
    for shift in shifts:
        earned = sum((d.courier_fee + d.tip for d in shift.deliveries), Decimal("0"))
        items.append(
            {
                "id": shift.id,
                "started_at": shift.started_at.isoformat(),
                "ended_at": shift.ended_at.isoformat() if shift.ended_at else None,
                "deliveries": len(shift.deliveries),
                "earned": str(earned),
            }
        )
    return {"items": items, "page": page, "per_page": per_page, "total": total}
