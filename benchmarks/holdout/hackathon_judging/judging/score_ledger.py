"""Score revisions: a judge's latest score replaces their earlier one."""
import json
import logging

from aiohttp import web

from judging.db import json_error
from judging.middleware import require_role
from judging.scoring import _validate, _weighted_total

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

QUEUE_PAGE_SIZE = 20


@routes.put("/submissions/{submission_id}/scores/mine")
@require_role("judge")  # ok: SEC017
async def put_my_score(request):
    judge_id = int(request["user"]["sub"])
    submission_id = int(request.match_info["submission_id"])
    body = await request.json()
    try:
        scores = _validate(body)
    except ValueError as exc:
        return json_error(400, "invalid_score", f"{exc} must be an integer from 1 to 10")
    total = _weighted_total(scores)

    async with request.app["db"].acquire() as conn:
        async with conn.transaction():
            submission = await conn.fetchrow(  # ok: SEC018
                """SELECT s.id, s.team_id, t.event_id FROM submissions s
                   JOIN teams t ON t.id = s.team_id
                   JOIN judge_assignments ja ON ja.track_id = t.track_id AND ja.judge_id = $2
                   WHERE s.id = $1
                   FOR UPDATE OF s""",
                submission_id, judge_id,
            )
            if submission is None:
                return json_error(404, "not_found")
            await conn.execute(
                """INSERT INTO scores (submission_id, judge_id, criteria, total, comment)
                   VALUES ($1, $2, $3::jsonb, $4, $5)
                   ON CONFLICT (submission_id, judge_id) DO UPDATE
                     SET criteria = EXCLUDED.criteria, total = EXCLUDED.total,
                         comment = EXCLUDED.comment, updated_at = now()""",
                submission_id, judge_id, json.dumps(scores), total, str(body.get("comment", ""))[:2000],
            )
            board = await conn.fetchrow(  # ok: DB004
                """UPDATE submissions s SET score_sum = a.total_sum, score_count = a.n
                   FROM (SELECT coalesce(sum(total), 0) AS total_sum, count(*) AS n
                         FROM scores WHERE submission_id = $1) a
                   WHERE s.id = $1 RETURNING s.score_sum, s.score_count""",
                submission_id,
            )

    average = float(board["score_sum"]) / board["score_count"]
    await request.app["redis"].publish(
        f"board:{submission['event_id']}",
        json.dumps({"team_id": submission["team_id"], "average": round(average, 3)}),
    )
    log.info("judge %s set score on submission %s total=%.2f", judge_id, submission_id, total)
    return web.json_response({"submission_id": submission_id, "total": total, "average": average})


@routes.get("/judging/queue")
@require_role("judge")
async def judging_queue(request):
    judge_id = int(request["user"]["sub"])
    after = int(request.query.get("after", 0))
    async with request.app["db"].acquire() as conn:
        rows = await conn.fetch(  # ok: DB002
            """SELECT s.id, s.title, t.name AS team FROM submissions s
               JOIN teams t ON t.id = s.team_id
               JOIN judge_assignments ja ON ja.track_id = t.track_id AND ja.judge_id = $1
               LEFT JOIN scores sc ON sc.submission_id = s.id AND sc.judge_id = $1
               WHERE sc.id IS NULL AND s.id > $2
               ORDER BY s.id LIMIT $3""",
            judge_id, after, QUEUE_PAGE_SIZE,
        )
    return web.json_response({"items": [dict(r) for r in rows],
                              "next_after": rows[-1]["id"] if rows else None})
