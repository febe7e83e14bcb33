"""Live lane board for the range officer's tablet and the lobby screen.

The range officer assigns archers to lanes, taps "end" after each end is shot,
and switches the range hot/cold. The lobby screen polls GET /board every 2 s.
"""
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from ..auth import require_staff
from ..models import Member

router = APIRouter(prefix="/board", tags=["board"])
logger = logging.getLogger(__name__)

MAX_LANE = 24
_lanes: dict[int, dict] = {}
_range_state: dict = {"status": "cold", "changed_at": None, "changed_by": None}  # expect: SCL001


class LaneAssign(BaseModel):
    archer_name: str = Field(min_length=1, max_length=60)
    distance_m: int = Field(default=18, ge=5, le=90)


def _check_lane(lane_number: int) -> None:
    if not 1 <= lane_number <= MAX_LANE:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such lane")


@router.get("")
def board():
    return {
        "range": dict(_range_state),
        "lanes": [{"lane": number, **state} for number, state in sorted(_lanes.items())],
    }


@router.put("/lanes/{lane_number}")
def assign_lane(lane_number: int, body: LaneAssign, staff: Member = Depends(require_staff)):
    _check_lane(lane_number)
    _lanes[lane_number] = {  # expect: CON002
        "archer": body.archer_name,
        "distance_m": body.distance_m,
        "ends_shot": 0,
        "since": datetime.now(timezone.utc).isoformat(),
    }
    logger.info("staff %s assigned lane %s", staff.id, lane_number)
    return _lanes[lane_number]


@router.post("/lanes/{lane_number}/ends")
def record_end(lane_number: int, staff: Member = Depends(require_staff)):
    _check_lane(lane_number)
    state = _lanes.get(lane_number)
    if state is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "lane is not assigned")
    state["ends_shot"] += 1  # expect: CON002
    return state


@router.delete("/lanes/{lane_number}", status_code=204)
def clear_lane(lane_number: int, staff: Member = Depends(require_staff)):
    _check_lane(lane_number)
    _lanes.pop(lane_number, None)  # expect: CON002
    logger.info("staff %s cleared lane %s", staff.id, lane_number)


@router.post("/range/{new_status}")
def set_range_status(new_status: str, staff: Member = Depends(require_staff)):
    if new_status not in {"hot", "cold"}:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "status must be hot or cold")
    _range_state.update(  # expect: CON002
        status=new_status, changed_at=datetime.now(timezone.utc).isoformat(), changed_by=staff.id
    )
    logger.info("range is %s (staff %s)", new_status, staff.id)
    return dict(_range_state)
