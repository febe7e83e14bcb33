import logging
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field

from fleet.auth import require_robot
from fleet.settings import get_pool

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/robot-api", tags=["robot"])

_CLAIM_NEXT = """
UPDATE tasks
   SET state = 'assigned', robot_id = $1, assigned_at = now()
 WHERE id = (
       SELECT id FROM tasks
        WHERE state = 'pending' AND zone = $2
        ORDER BY priority DESC, created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
 )
RETURNING id, kind, source_bin, target_bin, priority
"""


class Completion(BaseModel):
    outcome: str = Field(pattern="^(done|failed)$")
    note: Optional[str] = Field(default=None, max_length=500)


@router.post("/next-task")
async def claim_next_task(robot_id: str = Depends(require_robot), pool=Depends(get_pool)):
    async with pool.acquire() as conn, conn.transaction():
        robot = await conn.fetchrow(
            "SELECT zone, status, battery_pct FROM robots WHERE id = $1 FOR UPDATE", robot_id  # ok: DB005
        )
        if robot["status"] != "idle":
            raise HTTPException(409, "robot is not idle")
        if robot["battery_pct"] is not None and robot["battery_pct"] < 30:
            raise HTTPException(409, "battery too low for new work")
        task = await conn.fetchrow(_CLAIM_NEXT, robot_id, robot["zone"])  # ok: DB005
        if task is None:
            return Response(status_code=204)
        await conn.execute("UPDATE robots SET status = 'busy', current_task = $1 WHERE id = $2", task["id"], robot_id)
    logger.info("robot %s claimed task %s", robot_id, task["id"])
    return dict(task)


@router.post("/tasks/{task_id}/complete")
async def complete_task(task_id: int, body: Completion, robot_id: str = Depends(require_robot), pool=Depends(get_pool)):
    async with pool.acquire() as conn, conn.transaction():
        finished = await conn.fetchval(
            "UPDATE tasks SET state = $1, finished_at = now(), result_note = $2 "
            "WHERE id = $3 AND robot_id = $4 AND state = 'assigned' RETURNING id",  # ok: SEC018
            body.outcome, body.note, task_id, robot_id,
        )
        if finished is None:
            raise HTTPException(404, "task is not assigned to this robot")
        await conn.execute(
            "UPDATE robots SET status = 'idle', current_task = NULL, completed_tasks = completed_tasks + 1 WHERE id = $1",  # ok: DB004
            robot_id,
        )
    logger.info("robot %s finished task %s: %s", robot_id, task_id, body.outcome)
    return {"task_id": task_id, "state": body.outcome}
