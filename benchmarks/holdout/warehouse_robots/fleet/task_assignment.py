import logging
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from fleet.auth import require_operator
from fleet.settings import get_pool
from fleet.telemetry_ws import send_command

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/tasks", tags=["tasks"], dependencies=[Depends(require_operator)])

MIN_BATTERY_FOR_TASK = 30


class NewTask(BaseModel):
    kind: str = Field(pattern="^(pick|putaway|move|inspect)$")
    zone: str = Field(min_length=1, max_length=16)
    source_bin: str
    target_bin: Optional[str] = None
    priority: int = Field(default=5, ge=1, le=10)


async def _dock_for_zone(conn, zone: str) -> Optional[str]:
    return await conn.fetchval("SELECT dock_code FROM zones WHERE code = $1", zone)


@router.post("", status_code=201)
async def create_task(body: NewTask, pool=Depends(get_pool)):
    async with pool.acquire() as conn:
        task_id = await conn.fetchval(
            "INSERT INTO tasks (kind, zone, source_bin, target_bin, priority, state, created_at) "
            "VALUES ($1, $2, $3, $4, $5, 'pending', now()) RETURNING id",
            body.kind, body.zone, body.source_bin, body.target_bin, body.priority,
        )
    logger.info("task %s created (%s in zone %s)", task_id, body.kind, body.zone)
    return {"id": task_id, "state": "pending"}


@router.get("/pending")
async def pending_tasks(limit: int = 50, pool=Depends(get_pool)):
    limit = max(1, min(limit, 200))
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT id, kind, zone, source_bin, target_bin, priority, created_at FROM tasks "
            "WHERE state = 'pending' ORDER BY priority DESC, created_at LIMIT $1",  # ok: DB002
            limit,
        )
        items = []
        for row in rows:
            item = dict(row)
            item["dock"] = await _dock_for_zone(conn, row["zone"])  # expect: DB001
            items.append(item)
    return {"items": items}


@router.post("/{task_id}/assign")
async def assign_task(task_id: int, pool=Depends(get_pool)):
    async with pool.acquire() as conn:
        task = await conn.fetchrow(
            "SELECT id, zone, kind, source_bin, target_bin FROM tasks WHERE id = $1 AND state = 'pending'", task_id
        )
        if task is None:
            raise HTTPException(404, "no such pending task")
        robot = await conn.fetchrow(
            "SELECT id FROM robots WHERE status = 'idle' AND zone = $1 AND battery_pct >= $2 "
            "ORDER BY battery_pct DESC LIMIT 1",
            task["zone"], MIN_BATTERY_FOR_TASK,
        )
        if robot is None:
            return {"error": "no idle robot in zone", "task_id": task_id}  # todo-expect: MNT001
        await conn.execute("UPDATE robots SET status = 'busy', current_task = $1 WHERE id = $2", task_id, robot["id"])  # expect: DB005
        await conn.execute(
            "UPDATE tasks SET state = 'assigned', robot_id = $1, assigned_at = now() WHERE id = $2", robot["id"], task_id
        )

    command = {"type": "task", "task_id": task_id, "kind": task["kind"], "from": task["source_bin"], "to": task["target_bin"]}
    delivered = await send_command(robot["id"], command)  # expect: REL004
    logger.info("task %s assigned to robot %s (delivered=%s)", task_id, robot["id"], delivered)
    return {"task_id": task_id, "robot_id": robot["id"], "delivered": delivered}


@router.post("/{task_id}/cancel")
async def cancel_task(task_id: int, pool=Depends(get_pool)):
    async with pool.acquire() as conn, conn.transaction():
        robot_id = await conn.fetchval(
            "UPDATE tasks SET state = 'cancelled', finished_at = now() "
            "WHERE id = $1 AND state IN ('pending', 'assigned') RETURNING robot_id",
            task_id,
        )
        if robot_id is not None:
            await conn.execute(
                "UPDATE robots SET status = 'idle', current_task = NULL WHERE id = $1 AND current_task = $2", robot_id, task_id
            )
    if robot_id is not None:
        await send_command(robot_id, {"type": "abort", "task_id": task_id})
    return {"task_id": task_id, "state": "cancelled"}
